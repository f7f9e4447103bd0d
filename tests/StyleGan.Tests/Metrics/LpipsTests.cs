using StyleGan.Formats;
using StyleGan.Metrics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>The narrow set of the repository: VGG16 widths / 8, random lin weights.</summary>
public sealed class LpipsInRepositoryTests(ITestOutputHelper output)
    : LpipsReferenceTests(ReferenceSet.InRepository("lpips"), "vgg16-narrow.pth", Path.Combine(ReferenceData.Fixture("lpips"), "lin-narrow.pth"), output);

/// <summary>A full-size set: random VGG16 in torchvision's complete layout, the bundled (real) lin weights.</summary>
public sealed class LpipsEnvironmentTests(ITestOutputHelper output)
    : LpipsReferenceTests(ReferenceSet.FromEnvironment(LpipsEnvironmentTests.Variable), "vgg16-random.pth", ReferenceData.Bundled("lpips-vgg-v0.1.pth"), output)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_LPIPS_FIXTURE";
}

/// <summary>Our LPIPS against the distances, terms, trunk activations and gradients of lpips' code
/// (tests/fixtures/lpips/make_fixtures.py, see its README).</summary>
/// <param name="vggFile">The VGG16 file's name in the set.</param>
/// <param name="linFile">The path of the lin weights the distances were computed with.</param>
public abstract class LpipsReferenceTests(ReferenceSet set, string vggFile, string linFile, ITestOutputHelper output) : IDisposable
{
    SafetensorsFile? expected;
    Lpips? metric;

    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    Lpips Metric => metric ??= Lpips.Load(linFile, set.File(vggFile));

    public void Dispose()
    {
        metric?.Dispose();
        expected?.Dispose();
    }

    // Float32 bounds from the network's sizes (Float32Rounding): VGG16's 13 convolutions in sequence up to relu5_3
    // (the widest sums its last stage's channels over 3x3), the taps' 1x1 lin layers after them for the distance, and
    // all of these again backward for a gradient.
    const int Convolutions = 13;
    double Float32Bound(int depth) => Float32Rounding.Bound(Float32Rounding.LongestReduction(Metric), depth);

    [SkippableTheory]
    [InlineData("pairs64")]
    [InlineData("pair48x40")]
    public void DistancesAndTermsMatchTheReference(string pairs)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x0, x1) = (Expected[$"{pairs}.x0"], Expected[$"{pairs}.x1"]);
        set.Check(output, Expected[$"{pairs}.distance"].flatten(), Metric.forward(x0, x1), $"{pairs} distance", Float32Bound(Convolutions + 1), floor: 1);
        var terms = Metric.PerTap(Metric.Features(x0), Metric.Features(x1));
        for (int k = 0; k < terms.Length; k++)
            set.Check(output, Expected[$"{pairs}.layer{k}"].flatten(), terms[k], $"{pairs} {Vgg16Features.TapNames[k]} term", Float32Bound(Convolutions + 1), floor: 1);
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
                set.Check(output, Expected[$"taps.{image}.{Vgg16Features.TapNames[k]}"], taps[k], $"{image} {Vgg16Features.TapNames[k]}", Float32Bound(Convolutions), floor: 1);
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
            // Float64 on both sides: its rounding (u = 2^-53) stays far below 1e-10 (measured: 3e-17); float32 anywhere would not.
            set.Check(output, Expected[$"{pairs}.distance_f64"].flatten(), distance, $"{pairs} float64 distance", 1e-10, floor: 1);
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
            set.Check(output, reference / reference.abs().max(), gradient / reference.abs().max(), $"{pairs} d(distance)/d(x0), scaled by its max", Float32Bound(2 * (Convolutions + 1)), floor: 1);
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
