using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Clip;

/// <summary>
/// Hugging Face's CLIPAttention: multi-head self-attention over all tokens (no mask in the image tower), with
/// separate <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c> and <c>out_proj</c> linear layers (OpenAI's
/// <c>attn.in_proj_weight</c> split in three, and <c>attn.out_proj</c>).
/// </summary>
sealed class ClipAttention : nn.Module
{
    /// <summary>
    /// The width of one head. The files do not say how many heads there are; OpenAI's build_model (clip/model.py)
    /// sets <c>vision_heads = vision_width // 64</c>, which Hugging Face's configs of OpenAI's models repeat (16 heads
    /// of 1024 for ViT-L/14).
    /// </summary>
    public const long HeadWidth = 64;

    readonly Linear q_proj, k_proj, v_proj, out_proj;
    readonly long heads;
    readonly double scale;

    /// <param name="width">The size of a token, a multiple of <see cref="HeadWidth"/>.</param>
    public ClipAttention(long width) : base(nameof(ClipAttention))
    {
        if (width % HeadWidth != 0)
            throw new ArgumentException($"CLIP's heads are {HeadWidth} wide, so the width must be a multiple of {HeadWidth}; got {width}.", nameof(width));
        heads = width / HeadWidth;
        scale = 1 / Math.Sqrt(HeadWidth);
        register_module("q_proj", q_proj = nn.Linear(width, width));
        register_module("k_proj", k_proj = nn.Linear(width, width));
        register_module("v_proj", v_proj = nn.Linear(width, width));
        register_module("out_proj", out_proj = nn.Linear(width, width));
    }

    /// <param name="x">Tokens [N, L, width].</param>
    public Tensor forward(Tensor x) => Intermediates.Keep(() =>
    {
        long n = x.shape[0], length = x.shape[1], width = x.shape[2];
        Tensor Split(Linear projection) => projection.forward(x).view(n, length, heads, HeadWidth).transpose(1, 2);
        var weights = (Split(q_proj) * scale).matmul(Split(k_proj).transpose(-2, -1)).softmax(-1);
        return out_proj.forward(weights.matmul(Split(v_proj)).transpose(1, 2).reshape(n, length, width));
    });
}
