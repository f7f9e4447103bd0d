using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void DiagonalCovariancesMatchTheClosedForm()
    {
        var a = new[] { 0.5, 2.0, 1.0, 9.0, 0.0 };
        var b = new[] { 4.0, 2.0, 0.25, 1.0, 3.0 };
        var mu1 = new[] { 1.0, -2.0, 0.0, 0.5, 3.0 };
        var mu2 = new[] { 0.0, 1.0, 0.0, -0.5, 2.0 };
        // Commuting covariances: Tr sqrtm(S1 S2) = sum sqrt(a b), so FD = |mu1 - mu2|^2 + sum (sqrt a - sqrt b)^2.
        double expected = mu1.Zip(mu2, (x, y) => (x - y) * (x - y)).Sum() + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();

        double actual = FrechetDistance.Compute(tensor(mu1), diag(tensor(a)), tensor(mu2), diag(tensor(b)));

        Assert.Equal(expected, actual, 1e-10);
    }

    [Fact]
    public void FullCovariancesMatchScipy()
    {
        var sigma1 = tensor(new[] { 6.5, 3.0, -1.0, -1.0, 3.0, 10.5, -4.0, 2.0, -1.0, -4.0, 10.5, -2.0, -1.0, 2.0, -2.0, 6.5 }).reshape(4, 4);
        var sigma2 = tensor(new[] { 5.25, -1.0, 2.0, 1.0, -1.0, 6.25, 0.0, -2.0, 2.0, 0.0, 6.25, -3.0, 1.0, -2.0, -3.0, 11.25 }).reshape(4, 4);
        var mu1 = tensor(new[] { 0.5, -1.0, 2.0, 0.0 });
        var mu2 = tensor(new[] { 1.5, 0.25, -0.5, 3.0 });
        // numpy 1.24.2 / scipy 1.10.1, the official formula:
        //   covmean, _ = scipy.linalg.sqrtm(S1 @ S2, disp=False)
        //   sum((mu1 - mu2)**2) + trace(S1) + trace(S2) - 2 * trace(covmean.real)
        const double Scipy = 23.39667684986332;

        Assert.Equal(Scipy, FrechetDistance.Compute(mu1, sigma1, mu2, sigma2), 1e-9);
        Assert.Equal(Scipy, FrechetDistance.Compute(mu2, sigma2, mu1, sigma1), 1e-9);
        Assert.Equal(Scipy, FrechetDistance.Compute(mu1.to(float32), sigma1.to(float32), mu2.to(float32), sigma2.to(float32)), 1e-3);
    }

    [Fact]
    public void DistributionAgainstItselfIsZeroEvenWhenSingular()
    {
        // 10 samples in 16 dimensions, two of them constant: a rank-deficient covariance, where scipy's sqrtm needs an epsilon.
        var features = randn(new long[] { 10, 16 }, float64, generator: new Generator(1));
        features[.., 3] = 0;
        features[.., 7] = 5;
        using var statistics = new FeatureStatistics(16);
        statistics.Add(features);

        double distance = FrechetDistance.Compute(statistics, statistics);

        Assert.InRange(distance, 0, 1e-9 * statistics.Covariance().trace().item<double>());
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(zeros(3), eye(3), zeros(4), eye(4)));
        Assert.Contains("[3], [3, 3], [4], [4, 4]", error.Message);
    }
}
