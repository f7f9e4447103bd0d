using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Clip;

/// <summary>
/// Hugging Face's CLIPVisionEmbeddings (OpenAI's <c>conv1</c>, <c>class_embedding</c> and <c>positional_embedding</c>):
/// the image cut into patches, each projected by a convolution without bias whose stride is its kernel, the learned
/// class token put before them, and a learned position embedding added to every token. Names:
/// <c>patch_embedding.weight</c>, <c>class_embedding</c>, <c>position_embedding.weight</c>.
/// </summary>
sealed class ClipEmbeddings : nn.Module
{
    readonly Conv2d patch_embedding;
    readonly Parameter class_embedding;
    readonly Embedding position_embedding;

    /// <param name="patchSize">The side of a patch in pixels.</param>
    /// <param name="gridSize">Patches along each side of the image.</param>
    /// <param name="width">The size of a token.</param>
    public ClipEmbeddings(long patchSize, long gridSize, long width) : base(nameof(ClipEmbeddings))
    {
        register_module("patch_embedding", patch_embedding = nn.Conv2d(3, width, patchSize, stride: patchSize, bias: false));
        register_parameter("class_embedding", class_embedding = new Parameter(zeros(width)));
        register_module("position_embedding", position_embedding = nn.Embedding(gridSize * gridSize + 1, width));
    }

    /// <summary>The tokens [N, 1 + grid², width]: the class token first, then the patches row by row.</summary>
    /// <param name="pixels">Normalized images [N, 3, size, size].</param>
    public Tensor forward(Tensor pixels) => Intermediates.Keep(() =>
    {
        var patches = patch_embedding.forward(pixels).flatten(2).transpose(1, 2);
        var classToken = class_embedding.expand(patches.shape[0], 1, -1);
        return cat([classToken, patches], 1) + position_embedding.weight!;
    });
}
