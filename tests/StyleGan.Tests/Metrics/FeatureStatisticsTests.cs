using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class FeatureStatisticsTests
{
    [Fact]
    public void BatchByBatchEqualsMeanAndCovarianceOverAllRows()
    {
        // A large offset is where a plain sum of squares would lose digits.
        var features = randn(new long[] { 500, 6 }, float32, generator: new Generator(2)) * 3 + 1000;
        using var statistics = new FeatureStatistics(6);
        foreach (var (start, count) in new[] { (0, 1), (1, 0), (1, 200), (201, 299) })
            statistics.Add(features.narrow(0, start, count));

        var all = features.to(float64);
        Assert.Equal(500, statistics.Count);
        Close.Assert(all.mean(new long[] { 0 }), statistics.Mean(), "mean", 1e-12);
        Close.Assert(cov(all.T), statistics.Covariance(), "covariance", 1e-9);
    }

    [Fact]
    public void WrongFeatureSizeIsRefused()
    {
        using var statistics = new FeatureStatistics(6);
        var error = Assert.Throws<ArgumentException>(() => statistics.Add(zeros(4, 5)));
        Assert.Contains("[N, 6]", error.Message);
    }

    [Fact]
    public void CovarianceNeedsTwoSamples()
    {
        using var statistics = new FeatureStatistics(3);
        statistics.Add(ones(1, 3));
        Assert.Throws<InvalidOperationException>(() => statistics.Covariance());
    }
}
