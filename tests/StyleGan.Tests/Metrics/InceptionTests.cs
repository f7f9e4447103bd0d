using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Serialization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>A set of features computed by pytorch-fid's own code (tests/fixtures/inception/make_fixtures.py, see its README).</summary>
/// <param name="Name">What the set is, for messages.</param>
/// <param name="Directory">Its folder, or null where the environment names none.</param>
/// <param name="WeightsFile">The weights file's name in the folder.</param>
/// <param name="Required">A set of the repository: a missing file fails the test instead of skipping it.</param>
public sealed record InceptionFixture(string Name, string? Directory, string WeightsFile, bool Required)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_INCEPTION_FIXTURE";

    /// <summary>The narrow set of the repository: every width divided by 16.</summary>
    public static InceptionFixture InRepository => new("tests/fixtures/inception", ReferenceData.Fixture("inception"), "inception-narrow.pth", Required: true);

    /// <summary>A full-size set: random weights at the published widths, in the published file's layout.</summary>
    public static InceptionFixture FromEnvironment => new($"${Variable}", Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder ? folder : null,
        "inception-random.pth", Required: false);

    /// <summary>The path of a file of the set, or a skip where an extra set is not here.</summary>
    public string File(string name)
    {
        Skip.If(Directory is null, $"{Name} is not set: no full-size Inception set to test (make one with make_fixtures.py --full DIR).");
        var path = Path.Combine(Directory!, name);
        if (Required) Assert.True(System.IO.File.Exists(path), $"Fixture file {path} of the repository is missing.");
        else Skip.IfNot(System.IO.File.Exists(path), $"{path} is absent: {Name} names no complete Inception set.");
        return path;
    }
}

public sealed class InceptionInRepositoryTests(ITestOutputHelper output) : InceptionReferenceTests(InceptionFixture.InRepository, output);
public sealed class InceptionEnvironmentTests(ITestOutputHelper output) : InceptionReferenceTests(InceptionFixture.FromEnvironment, output);

/// <summary>Our Inception and FID against the features, logits, network inputs and distance of pytorch-fid's code.</summary>
public abstract class InceptionReferenceTests(InceptionFixture set, ITestOutputHelper output) : IDisposable
{
    SafetensorsFile? expected;
    InceptionV3? network;

    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    InceptionV3 Network => network ??= InceptionV3.Load(set.File(set.WeightsFile));

    public void Dispose()
    {
        network?.Dispose();
        expected?.Dispose();
    }

    /// <summary>max |ours - reference| &lt;= tolerance * max |reference|, logged so that a passing run says how close it was.</summary>
    void Check(Tensor reference, Tensor actual, string what, double tolerance)
    {
        Assert.True(reference.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] differs from the reference [{string.Join(", ", reference.shape)}].");
        using var r = reference.detach().to(float64);
        using var a = actual.detach().to(float64);
        double scale = r.abs().max().item<double>();
        double error = (r - a).abs().max().item<double>();
        output.WriteLine($"{set.Name} {what}: max error {error:E2}, {error / scale:E2} of max |reference| {scale:G4}");
        Assert.True(scale > 0, $"{what}: the reference is all zeros.");
        Assert.True(error <= tolerance * scale, $"{what}: max error {error:E3} exceeds {tolerance:E0} of max |reference| {scale:G4}.");
    }

    [SkippableTheory]
    [InlineData("small")]  // four at 32x32
    [InlineData("wide")]   // one at 37x53
    public void FeaturesAndLogitsOfUnitRangeImagesMatchTheReference(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(Expected[$"{images}.image"]);
        Assert.Equal(ScalarType.Float32, features.dtype);
        Check(Expected[$"{images}.pool3"], features, $"{images} pool3", 1e-4);
        Check(Expected[$"{images}.logits"], logits, $"{images} logits", 1e-4);
    }

    [SkippableTheory]
    [InlineData("large")]  // 299x299 RGB: the resize changes nothing
    [InlineData("gray")]   // 48x40, one channel
    public void Uint8ImagesMatchPytorchFidsFilePipeline(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(PixelRange.UnitFromUint8(Expected[$"{images}.image"]));
        Check(Expected[$"{images}.pool3"], features, $"{images} pool3", 1e-4);
        Check(Expected[$"{images}.logits"], logits, $"{images} logits", 1e-4);
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
            Check(Expected["tall.input_every2"], input[TensorIndex.Colon, TensorIndex.Slice(c, c + 1), everyOther, everyOther], $"tall input, channel {c}", 3e-5);
    }

    [SkippableFact]
    public void AResizedDownImageGivesPytorchFidsFeaturesUpToTheResize()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(PixelRange.UnitFromUint8(Expected["tall.image"]));
        Check(Expected["tall.pool3"], features, "tall pool3", 2e-3);
        Check(Expected["tall.logits"], logits, "tall logits", 2e-3);
    }

    [SkippableFact]
    public void Float64MatchesTheReferenceInFloat64()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.forward(Expected["small.image"].to(float64));
        Assert.Equal(ScalarType.Float64, features.dtype);
        Check(Expected["small.pool3_f64"], features, "small pool3 in float64", 1e-10);
        Check(Expected["small.logits_f64"], logits, "small logits in float64", 1e-10);
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
        Assert.True(Math.Abs(distance - reference) <= 1e-6 * reference, $"FID {distance:R} differs from pytorch-fid's {reference:R}.");
    }
}
