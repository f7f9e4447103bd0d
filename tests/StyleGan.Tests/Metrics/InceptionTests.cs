using StyleGan.Formats;
using StyleGan.Images;
using StyleGan.Metrics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>The narrow set of the repository: every width divided by 16.</summary>
public sealed class InceptionInRepositoryTests(ITestOutputHelper output)
    : InceptionReferenceTests(ReferenceSet.InRepository("inception"), "inception-narrow.pth", output);

/// <summary>A full-size set: random weights at the published widths, in the published file's layout.</summary>
public sealed class InceptionEnvironmentTests(ITestOutputHelper output)
    : InceptionReferenceTests(ReferenceSet.FromEnvironment(InceptionEnvironmentTests.Variable), "inception-random.pth", output)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_INCEPTION_FIXTURE";
}

/// <summary>Our Inception and FID against the features, logits, network inputs and distance of pytorch-fid's code
/// (tests/fixtures/inception/make_fixtures.py, see its README).</summary>
/// <param name="weightsFile">The weights file's name in the set.</param>
public abstract class InceptionReferenceTests(ReferenceSet set, string weightsFile, ITestOutputHelper output) : IDisposable
{
    SafetensorsFile? expected;
    InceptionV3? network;

    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    InceptionV3 Network => network ??= InceptionV3.Load(set.File(weightsFile));

    public void Dispose()
    {
        network?.Dispose();
        expected?.Dispose();
    }

    // Float32 bounds from the network's sizes (Float32Rounding). The longest chain of convolutions to pool3 is 47: the
    // stem's 5, then Mixed_5b-5d's 3 each (branch3x3dbl), 6a's 3, 6b-6e's 5 each (branch7x7dbl), 7a's 4 (branch7x7x3)
    // and 7b-7c's 3 each (branch3x3dbl); the logits add fc. The widest is branch3x3dbl_2 of Mixed_7b and 7c (448
    // channels x 3x3 at the published widths).
    const int Pool3Depth = 47;
    double Float32Bound(int depth) => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), depth);

    [SkippableTheory]
    [InlineData("small")]  // four at 32x32
    [InlineData("wide")]   // one at 37x53
    public void FeaturesAndLogitsOfUnitRangeImagesMatchTheReference(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(Expected[$"{images}.image"]);
        Assert.Equal(ScalarType.Float32, features.dtype);
        set.Check(output, Expected[$"{images}.pool3"], features, $"{images} pool3", Float32Bound(Pool3Depth));
        set.Check(output, Expected[$"{images}.logits"], logits, $"{images} logits", Float32Bound(Pool3Depth + 1));
    }

    [SkippableTheory]
    [InlineData("large")]  // 299x299 RGB: the resize changes nothing
    [InlineData("gray")]   // 48x40, one channel
    public void Uint8ImagesMatchPytorchFidsFilePipeline(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(PixelRange.UnitFromUint8(Expected[$"{images}.image"]));
        set.Check(output, Expected[$"{images}.pool3"], features, $"{images} pool3", Float32Bound(Pool3Depth));
        set.Check(output, Expected[$"{images}.logits"], logits, $"{images} logits", Float32Bound(Pool3Depth + 1));
    }

    // A gray 320x250 image, resized down in height and up in width. The resize is where libtorch 2.10 (ours) and
    // PyTorch 1.13 (the fixtures') differ: both compute the source positions in float32, in different ways, and are
    // up to 1.5e-5 off a float64 resize. The fixtures' random networks magnify input differences (the narrow one
    // turns this one into 4e-4 of pool3, and Gaussian noise of 1e-5 into 3-4e-3), so the network's share is measured
    // on the other images, at 1e-4, and the resize's share here, at the network's input.
    [SkippableFact]
    public void TheNetworksInputIsPytorchFids()
    {
        using var scope = NewDisposeScope();
        var input = InceptionV3.Preprocess(PixelRange.UnitFromUint8(Expected["tall.image"]));
        Assert.Equal([1L, 3, InceptionV3.InputSize, InceptionV3.InputSize], input.shape);
        var everyOther = TensorIndex.Slice(step: 2);
        for (int c = 0; c < 3; c++)
            set.Check(output, Expected["tall.input_every2"], input[TensorIndex.Colon, TensorIndex.Slice(c, c + 1), everyOther, everyOther], $"tall input, channel {c}", 3e-5);
    }

    [SkippableFact]
    public void AResizedDownImageGivesPytorchFidsFeaturesUpToTheResize()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(PixelRange.UnitFromUint8(Expected["tall.image"]));
        set.Check(output, Expected["tall.pool3"], features, "tall pool3", 2e-3);
        set.Check(output, Expected["tall.logits"], logits, "tall logits", 2e-3);
    }

    [SkippableFact]
    public void Float64MatchesTheReferenceInFloat64()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(Expected["small.image"].to(float64));
        Assert.Equal(ScalarType.Float64, features.dtype);
        // Float64 on both sides: its rounding (u = 2^-53) stays far below 1e-10 (measured: 9e-15); float32 anywhere would not.
        set.Check(output, Expected["small.pool3_f64"], features, "small pool3 in float64", 1e-10);
        set.Check(output, Expected["small.logits_f64"], logits, "small logits in float64", 1e-10);
    }

    [SkippableFact]
    public void FrechetDistanceMatchesPytorchFid()
    {
        using var scope = NewDisposeScope();
        var (a, b) = (Expected["fid.a"], Expected["fid.b"]);
        using var statisticsA = new FeatureStatistics((int)a.shape[1]);
        using var statisticsB = new FeatureStatistics((int)b.shape[1]);
        // In uneven batches, as a metric run adds them.
        statisticsA.Add(a.narrow(0, 0, 40));
        statisticsA.Add(a.narrow(0, 40, a.shape[0] - 40));
        statisticsB.Add(b);
        double reference = Expected["fid.distance"].item<double>();
        double distance = FrechetDistance.Compute(statisticsA, statisticsB);
        output.WriteLine($"{set.Name} FID: {distance:R}, pytorch-fid {reference:R}, relative error {Math.Abs(distance - reference) / reference:E2}");
        // From the same float64 features, in float64 on both sides: only the matrix square roots (our eigendecompositions,
        // SciPy's sqrtm) round differently, far below 1e-6 (measured: 7e-16).
        Assert.True(Math.Abs(distance - reference) <= 1e-6 * reference, $"FID {distance:R} differs from pytorch-fid's {reference:R}.");
    }
}
