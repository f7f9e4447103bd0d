using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>The collapse detector: classes holding at least 3% of the images, by the classifier's most probable class.</summary>
public sealed class ClassCoverageTests
{
    [Fact]
    public void ClassesAreCountedByTheirMostProbableClassAndAShareOfThreePercent()
    {
        // 1,000 images: 500 of class 0, 300 of class 1, 29 of class 2 (2.9%: not covered), 30 of class 3 (3%: covered), 141 of class 9.
        var predicted = cat([full(500, 0L), full(300, 1L), full(29, 2L), full(30, 3L), full(141, 9L)]);
        var probabilities = nn.functional.one_hot(predicted, 10).to(float32) * 0.6f + 0.04f; // the predicted class 0.64, each other 0.04
        var shares = ClassCoverage.Shares(probabilities);
        Assert.Equal([0.5, 0.3, 0.029, 0.03, 0, 0, 0, 0, 0, 0.141], shares, (a, b) => Math.Abs(a - b) < 1e-12);
        var (covered, smallest, largest) = ClassCoverage.Summarize(shares);
        Assert.Equal(4, covered);
        Assert.Equal(0, smallest);
        Assert.Equal(0.5, largest, 12);
        Assert.Equal(["classes1k_mnist", "classes1k_mnist_min", "classes1k_mnist_max"], StandardMetrics.Parse("classes1k_mnist")[0].ResultNames);
        Assert.False(StandardMetrics.Parse("classes1k_mnist")[0].UsesReal);
    }
}
