using StyleGan.Metrics;
using StyleGan.Serialization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>A set of distances computed by lpips' own code (tests/fixtures/lpips/make_fixtures.py, see its README).</summary>
/// <param name="Name">What the set is, for messages.</param>
/// <param name="Directory">Its folder, or null where the environment names none.</param>
/// <param name="VggFile">The VGG16 file's name in the folder.</param>
/// <param name="LinFile">The path of the lin weights the distances were computed with.</param>
/// <param name="Required">A set of the repository: a missing file fails the test instead of skipping it.</param>
public sealed record LpipsFixture(string Name, string? Directory, string VggFile, string LinFile, bool Required)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_LPIPS_FIXTURE";

    /// <summary>The narrow set of the repository: VGG16 widths / 8, random lin weights.</summary>
    public static LpipsFixture InRepository => new("tests/fixtures/lpips", ReferenceData.Fixture("lpips"), "vgg16-narrow.pth",
        Path.Combine(ReferenceData.Fixture("lpips"), "lin-narrow.pth"), Required: true);

    /// <summary>A full-size set: random VGG16 in torchvision's complete layout, the bundled (real) lin weights.</summary>
    public static LpipsFixture FromEnvironment => new($"${Variable}", Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder ? folder : null,
        "vgg16-random.pth", ReferenceData.Bundled("lpips-vgg-v0.1.pth"), Required: false);

    /// <summary>The path of a file of the set, or a skip where an extra set is not here.</summary>
    public string File(string name)
    {
        Skip.If(Directory is null, $"{Name} is not set: no full-size LPIPS set to test (make one with make_fixtures.py --full DIR).");
        var path = Path.Combine(Directory!, name);
        if (Required) Assert.True(System.IO.File.Exists(path), $"Fixture file {path} of the repository is missing.");
        else Skip.IfNot(System.IO.File.Exists(path), $"{path} is absent: {Name} names no complete LPIPS set.");
        return path;
    }
}

public sealed class LpipsInRepositoryTests(ITestOutputHelper output) : LpipsReferenceTests(LpipsFixture.InRepository, output);
public sealed class LpipsEnvironmentTests(ITestOutputHelper output) : LpipsReferenceTests(LpipsFixture.FromEnvironment, output);

/// <summary>Our LPIPS against the distances, terms, trunk activations and gradients of lpips' code.</summary>
public abstract class LpipsReferenceTests(LpipsFixture set, ITestOutputHelper output) : IDisposable
{
    SafetensorsFile? expected;
    Lpips? metric;

    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    Lpips Metric => metric ??= Lpips.Load(set.LinFile, set.File(set.VggFile));

    public void Dispose()
    {
        metric?.Dispose();
        expected?.Dispose();
    }

    /// <summary>Close.Assert, logging the error so that a passing run still says how close it was.</summary>
    void Check(Tensor reference, Tensor actual, string what, double tolerance)
    {
        using (var error = (reference.detach().to(float64) - actual.detach().to(float64)).abs().max())
            output.WriteLine($"{set.Name} {what}: max error {error.item<double>():E2} (max |reference| {reference.abs().max().to(float64).item<double>():G4})");
        Close.Assert(reference, actual, what, tolerance);
    }

    [SkippableTheory]
    [InlineData("pairs64")]
    [InlineData("pair48x40")]
    public void DistancesAndTermsMatchTheReference(string pairs)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x0, x1) = (Expected[$"{pairs}.x0"], Expected[$"{pairs}.x1"]);
        Check(Expected[$"{pairs}.distance"].flatten(), Metric.forward(x0, x1), $"{pairs} distance", 1e-5);
        var terms = Metric.PerTap(Metric.Features(x0), Metric.Features(x1));
        for (int k = 0; k < terms.Length; k++)
            Check(Expected[$"{pairs}.layer{k}"].flatten(), terms[k], $"{pairs} {Vgg16Features.TapNames[k]} term", 1e-5);
    }

    [SkippableFact]
    public void TrunkTapsMatchTheReference()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var image in new[] { "x0", "x1" })
        {
            var taps = Metric.Net.forward(Lpips.ScaleInput(Expected[$"pair48x40.{image}"]));
            Assert.Equal(Vgg16Features.TapNames.Count, taps.Length);
            for (int k = 0; k < taps.Length; k++)
                Check(Expected[$"taps.{image}.{Vgg16Features.TapNames[k]}"], taps[k], $"{image} {Vgg16Features.TapNames[k]}", 1e-5);
        }
    }

    [SkippableFact]
    public void Float64MatchesTheReferenceInFloat64()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var pairs in new[] { "pairs64", "pair48x40" })
        {
            var distance = Metric.forward(Expected[$"{pairs}.x0"].to(float64), Expected[$"{pairs}.x1"].to(float64));
            Assert.Equal(ScalarType.Float64, distance.dtype);
            Check(Expected[$"{pairs}.distance_f64"].flatten(), distance, $"{pairs} float64 distance", 1e-10);
        }
    }

    [SkippableFact]
    public void GradientReachesTheImagesAsInTheReference()
    {
        using var scope = NewDisposeScope();
        foreach (var pairs in new[] { "pairs64", "pair48x40" })
        {
            var x0 = Expected[$"{pairs}.x0"].clone().requires_grad_(true);
            Metric.forward(x0, Expected[$"{pairs}.x1"]).sum().backward();
            var gradient = x0.grad!;
            Assert.True(gradient.isfinite().all().item<bool>(), $"{pairs}: the gradient has non-finite values.");
            Assert.True(gradient.abs().max().item<float>() > 0, $"{pairs}: the gradient is zero.");
            // Relative to the gradient's own size, which is far below 1.
            var reference = Expected[$"{pairs}.grad_x0"];
            Check(reference / reference.abs().max(), gradient / reference.abs().max(), $"{pairs} d(distance)/d(x0), scaled by its max", 1e-4);
        }
    }

    [SkippableFact]
    public void AnImageIsAtZeroFromItselfAndTheDistanceIsSymmetric()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x0, x1) = (Expected["pairs64.x0"], Expected["pairs64.x1"]);
        Assert.Equal(new float[4], Metric.forward(x0, x0).data<float>().ToArray());
        var forward = Metric.forward(x0, x1).data<float>().ToArray();
        Assert.Equal(forward, Metric.forward(x1, x0).data<float>().ToArray());
        Assert.All(forward, d => Assert.True(d > 0, $"distance {d} of different images is not positive"));
    }
}
