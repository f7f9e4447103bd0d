using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Clip;

/// <summary>
/// Hugging Face's CLIPEncoderLayer (OpenAI's ResidualAttentionBlock): pre-norm residual blocks,
/// <c>x + self_attn(layer_norm1(x))</c>, then <c>x + mlp(layer_norm2(x))</c>.
/// </summary>
sealed class ClipEncoderLayer : nn.Module
{
    readonly ClipAttention self_attn;
    readonly LayerNorm layer_norm1, layer_norm2;
    readonly ClipMlp mlp;

    /// <param name="width">The size of a token.</param>
    /// <param name="mlpWidth">The MLP's hidden width.</param>
    public ClipEncoderLayer(long width, long mlpWidth) : base(nameof(ClipEncoderLayer))
    {
        register_module("self_attn", self_attn = new ClipAttention(width));
        register_module("layer_norm1", layer_norm1 = nn.LayerNorm(width, eps: ClipVisionEncoder.LayerNormEpsilon));
        register_module("mlp", mlp = new ClipMlp(width, mlpWidth));
        register_module("layer_norm2", layer_norm2 = nn.LayerNorm(width, eps: ClipVisionEncoder.LayerNormEpsilon));
    }

    /// <param name="x">Tokens [N, L, width].</param>
    public Tensor forward(Tensor x) => Intermediates.Keep(() =>
    {
        var attended = x + self_attn.forward(layer_norm1.forward(x));
        return attended + mlp.forward(layer_norm2.forward(attended));
    });
}
