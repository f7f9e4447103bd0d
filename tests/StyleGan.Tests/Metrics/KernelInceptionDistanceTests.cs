using TorchSharp;
using StyleGan.Formats;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class KernelInceptionDistanceTests
{
    [Fact]
    public void EqualsNvidiasEstimatorComputedByNumPy()
    {
        // tests/fixtures/kid: NumPy features and the KID of NVIDIA's loop with one subset of all rows.
        var arrays = NpzFile.Load(ReferenceData.Fixture("kid/features.npz"));
        double expected = arrays["kid"][0].item<double>();
        Assert.Equal(expected, KernelInceptionDistance.Compute(arrays["real"], arrays["gen"], subsets: 1, maxSubsetSize: 1000), 1e-12);
    }

    [Fact]
    public void IsNearZeroForOneDistributionAndReproducibleForASeed()
    {
        var a = randn(400, 16, generator: new torch.Generator(1));
        var b = randn(400, 16, generator: new torch.Generator(2));
        double same = KernelInceptionDistance.Compute(a, b, subsets: 10, maxSubsetSize: 200, seed: 3);
        Assert.InRange(same, -0.05, 0.05); // unbiased: around 0, either sign
        Assert.Equal(same, KernelInceptionDistance.Compute(a, b, subsets: 10, maxSubsetSize: 200, seed: 3));
        Assert.True(KernelInceptionDistance.Compute(a, b + 1, subsets: 10, maxSubsetSize: 200) > 10 * Math.Abs(same));
        Assert.Throws<InvalidValueException>(() => KernelInceptionDistance.Compute(a.narrow(0, 0, 1), b));
    }
}
