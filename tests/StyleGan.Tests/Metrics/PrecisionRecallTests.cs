using StyleGan.Formats;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>
/// Precision and recall against a NumPy transcription of NVIDIA's compute_pr (tests/fixtures/vgg16/make_fixtures.py):
/// 300 real and 250 generated features of 16 dimensions, k = 3.
/// </summary>
public sealed class PrecisionRecallTests : IDisposable
{
    readonly SafetensorsFile expected = ReferenceData.Load(ReferenceData.Fixture("vgg16"), "expected");

    public void Dispose() => expected.Dispose();

    double Value(string name) => expected[$"pr.{name}"].item<double>();

    [Theory]
    [InlineData(ScalarType.Float64)]
    // The reference's smallest margin between a distance and a radius is 1.3e-6 of the radius (see the README):
    // float32's rounding of these distances stays far below it.
    [InlineData(ScalarType.Float32)]
    public void TheFractionsAreNumPysOfNvidiasAlgorithm(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var (precision, recall) = PrecisionRecall.Compute(expected["pr.real"].to(dtype), expected["pr.generated"].to(dtype));
        Assert.Equal(Value("precision"), precision, 1e-12);
        Assert.Equal(Value("recall"), recall, 1e-12);
        Assert.Equal(Value("precision_count") / 250, precision, 1e-12);
        Assert.Equal(Value("recall_count") / 300, recall, 1e-12);
        Assert.InRange(precision, 0.01, 0.99);
        Assert.InRange(recall, 0.01, 0.99);
    }

    [Theory]
    [InlineData(9, 2)]
    [InlineData(7, 11)]
    [InlineData(64, 300)]
    [InlineData(300, 4)]  // column blocks narrower than the k + 1 distances a radius keeps
    public void SmallBlocksGiveWhatOneBlockGives(int rowBatch, int columnBatch)
    {
        using var scope = NewDisposeScope();
        var (real, generated) = (expected["pr.real"].to(float64), expected["pr.generated"].to(float64));
        var whole = PrecisionRecall.Compute(real, generated, rowBatch: 1000, columnBatch: 1000);
        Assert.Equal(whole, PrecisionRecall.Compute(real, generated, rowBatch: rowBatch, columnBatch: columnBatch));
    }

    [Fact]
    public void IdenticalSetsCoverEachOther()
    {
        using var scope = NewDisposeScope();
        var features = expected["pr.real"];
        Assert.Equal((1.0, 1.0), PrecisionRecall.Compute(features, features.clone()));
    }

    [Fact]
    public void DisjointSetsCoverNothing()
    {
        using var scope = NewDisposeScope();
        var real = expected["pr.real"];
        Assert.Equal((0.0, 0.0), PrecisionRecall.Compute(real, real + 100));
    }

    [Fact]
    public void ANeighbourhoodNeedsMoreFeaturesThanItsSize()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(randn(3, 4), randn(10, 4), neighbourhood: 3));
        Assert.Contains("at least 4", e.Message);
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(randn(10, 4), randn(10, 5)));
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(randn(10, 4), randn(10, 4, float64)));
    }
}
