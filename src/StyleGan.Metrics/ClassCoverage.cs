using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Which classes a generator's images fall in, as a classifier judges them. A collapsed generator puts most of its
/// images into one or two classes whatever its z and label, which an FID over all images shows only as a large
/// number; this says it directly: how many classes hold at least <see cref="MinShare"/> of the images, and the
/// smallest and largest class shares.
/// </summary>
public static class ClassCoverage
{
    /// <summary>The share of the images a class must hold to count as covered (a tenth of the even share of 10 classes would be 1%; 3% is well clear of noise at 1,000 images).</summary>
    public const double MinShare = 0.03;

    /// <summary>The share of the images in each class, by the classifier's most probable class.</summary>
    /// <param name="probabilities">The classifier's class probabilities [N, classes].</param>
    public static double[] Shares(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        return (bincount(probabilities.argmax(1), minlength: probabilities.shape[1]).to(float64) / probabilities.shape[0]).data<double>().ToArray();
    }

    /// <param name="shares">The share of each class (see <see cref="Shares"/>).</param>
    /// <returns>The classes covered, and the smallest and largest share of any class.</returns>
    public static (int Covered, double Smallest, double Largest) Summarize(IReadOnlyList<double> shares) =>
        (shares.Count(share => share >= MinShare), shares.Min(), shares.Max());
}
