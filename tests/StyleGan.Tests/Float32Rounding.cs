using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>
/// How far two float32 computations of the same network may differ by rounding alone: ours against a reference made
/// by PyTorch elsewhere, or oneDNN's convolutions against libtorch's own (see <see cref="Runtime.ConvolutionCheck"/>). Each sums its dot
/// products in its own order and blocking, so each rounds differently.
/// <para>
/// A sum of n products rounds at each addition by up to u = 2^-24 of the partial sum. Where the two summation orders
/// have nothing in common these roundings are as good as independent, of either sign, so they add up like a random
/// walk: about u·sqrt(n) of the sum's size, far below the worst case u·n. A value that passes through <c>depth</c>
/// such sums in sequence (a network's layers, and the same again backward for a gradient) carries each layer's
/// error on into the next, which adds its own; while the activations keep their scale these add up to at most
/// u·sqrt(n)·depth, relative to the size of the values compared. Means and norms are not counted: libtorch sums
/// them pairwise, so their rounding grows like log n.
/// </para>
/// <para>
/// That is the expected size of the error, not its worst case (u·n·depth, far too loose to catch anything): the
/// largest of many elements lies a few deviations out, and a gradient through ReLUs and max pools jumps where the
/// rounding decides which side of a kink a value falls on. <see cref="Safety"/> covers that spread. Wrong kernels,
/// such as oneDNN's on the CPUs ConvolutionCheck guards against, are off by 5-60%: far above any such bound.
/// </para>
/// </summary>
public static class Float32Rounding
{
    /// <summary>u: float32's unit roundoff, the largest relative error of one rounding.</summary>
    public const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>
    /// How many times u·sqrt(n)·depth a comparison may be off. The largest error measured against it is 2.5 times:
    /// LPIPS's gradient in its images (VGG16 and the lin layers, forward and back) with libtorch's own kernels against
    /// the reference's oneDNN, where 71 of 49152 pixels, one patch of one image, are off by more than 1e-6 of the
    /// largest gradient (the mark of a unit on the other side of a kink). oneDNN restricted to AVX2 or SSE4.1
    /// (ONEDNN_MAX_CPU_ISA) gives 0.7 and 1.1 times there; the augmentation reaches 1.3 times, every other comparison
    /// stays below 0.7 times.
    /// </summary>
    public const double Safety = 4;

    /// <summary>The bound on max |ours - reference|, relative to the values' size (see <see cref="Metrics.ReferenceSet.Check"/>, <see cref="Close.Assert"/>).</summary>
    /// <param name="longestReduction">n: the most products one sum adds up (see <see cref="LongestReduction"/>; a weight gradient's batch x height x width).</param>
    /// <param name="depth">How many such sums the value passes through one after another.</param>
    public static double Bound(long longestReduction, int depth) => Safety * UnitRoundoff * Math.Sqrt(longestReduction) * depth;

    /// <summary>
    /// The longest dot product of a network's layers, read from its weights: the inputs of one output, in_channels x kh x kw
    /// for a convolution, in_features for a linear layer.
    /// </summary>
    public static long LongestReduction(nn.Module network) =>
        network.parameters().Where(p => p.dim() > 1).Max(p => p.numel() / p.shape[0]);
}
