using StyleGan.Formats;
using StyleGan.Metrics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>CMMD's MMD estimator against cmmd/distance.py's formula in NumPy (tests/fixtures/clip/make_fixtures.py).</summary>
public sealed class CmmdTests(ITestOutputHelper output)
{
    [Fact]
    public void TheDistanceMatchesNumPys()
    {
        using var scope = NewDisposeScope();
        using var expected = Safetensors.Load(Path.Combine(ReferenceData.Fixture("clip"), "expected.safetensors"));
        double reference = expected["mmd.distance"].item<double>();
        // In blocks of 7 rows (the sets have 40 and 30), and whole.
        foreach (var blockRows in new long[] { 7, MaximumMeanDiscrepancy.DefaultBlockRows })
        {
            double distance = MaximumMeanDiscrepancy.Compute(expected["mmd.x"], expected["mmd.y"], blockRows);
            output.WriteLine($"blocks of {blockRows}: {distance:R}, NumPy {reference:R}, relative error {Math.Abs(distance - reference) / reference:E2}");
            Assert.True(Math.Abs(distance - reference) <= 1e-9 * reference, $"MMD {distance:R} differs from NumPy's {reference:R}.");
        }
    }

    [Fact]
    public void ASetIsAtDistanceZeroFromItself()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(1);
        var x = randn(50, 32, generator: generator);
        double distance = MaximumMeanDiscrepancy.Compute(x, x, blockRows: 8);
        output.WriteLine($"MMD(x, x) = {distance:E2}");
        Assert.True(Math.Abs(distance) < 1e-12, $"MMD(x, x) = {distance:R}.");
    }

    [Fact]
    public void BlocksGiveTheWholeFormula()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(2);
        var x = randn([300, 24], dtype: float64, generator: generator);
        var y = randn([200, 24], dtype: float64, generator: generator) * 1.2 + 0.1;
        // distance.py's formula over all pairs at once, in plain loops: a reference that shares no kernel with the
        // estimator (one run of libtorch's whole-matrix version, beside the other tests, was off by 3e-10).
        double gamma = 1 / (2 * MaximumMeanDiscrepancy.Sigma * MaximumMeanDiscrepancy.Sigma);
        double[][] Rows(Tensor t) => Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<double>().ToArray()).ToArray();
        double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();
        double Mean(double[][] a, double[][] b) =>
            a.SelectMany(p => b.Select(q => Math.Exp(-gamma * (-2 * Dot(p, q) + Dot(p, p) + Dot(q, q))))).Average();
        var (xs, ys) = (Rows(x), Rows(y));
        double whole = MaximumMeanDiscrepancy.Scale * (Mean(xs, xs) + Mean(ys, ys) - 2 * Mean(xs, ys));
        foreach (var blockRows in new long[] { 1, 64, 299, 300, 1000 })
        {
            double blocked = MaximumMeanDiscrepancy.Compute(x, y, blockRows);
            output.WriteLine($"blocks of {blockRows}: {blocked:R}, whole {whole:R}, relative {Math.Abs(blocked - whole) / whole:E2}");
            Assert.True(Math.Abs(blocked - whole) <= 1e-10 * whole, $"blocks of {blockRows}: {blocked:R}, whole {whole:R}.");
        }
        // float32 embeddings are widened first, not computed in float32.
        var (x32, y32) = (x.to(float32), y.to(float32));
        Assert.Equal(MaximumMeanDiscrepancy.Compute(x32.to(float64), y32.to(float64)), MaximumMeanDiscrepancy.Compute(x32, y32));
    }

    [Fact]
    public void SetsOfOtherShapesAreRefused()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => MaximumMeanDiscrepancy.Compute(zeros(4, 3), zeros(4, 2)));
        Assert.Throws<ArgumentException>(() => MaximumMeanDiscrepancy.Compute(zeros(4), zeros(4, 1)));
        Assert.Throws<InvalidValueException>(() => MaximumMeanDiscrepancy.Compute(zeros(0, 3), zeros(4, 3)));
    }
}
