using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Clip;

/// <summary>
/// Hugging Face's CLIPMLP with OpenAI's activation: <c>fc2(quick_gelu(fc1(x)))</c>, where quick_gelu(x) =
/// x · sigmoid(1.702 x) (OpenAI's QuickGELU, the <c>hidden_act</c> of Hugging Face's configs of OpenAI's models).
/// OpenAI's <c>mlp.c_fc</c> and <c>mlp.c_proj</c>.
/// </summary>
sealed class ClipMlp : nn.Module
{
    const double QuickGeluSlope = 1.702;

    readonly Linear fc1, fc2;

    /// <param name="width">The size of a token.</param>
    /// <param name="hiddenWidth">The hidden width (4 × width in OpenAI's models).</param>
    public ClipMlp(long width, long hiddenWidth) : base(nameof(ClipMlp))
    {
        register_module("fc1", fc1 = nn.Linear(width, hiddenWidth));
        register_module("fc2", fc2 = nn.Linear(hiddenWidth, width));
    }

    /// <param name="x">Tokens [N, L, width].</param>
    public Tensor forward(Tensor x) => Intermediates.Keep(() =>
    {
        var hidden = fc1.forward(x);
        return fc2.forward(hidden * (hidden * QuickGeluSlope).sigmoid());
    });
}
