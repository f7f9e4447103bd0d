using StyleGan.Configs;
using StyleGan.Generation;
using StyleGan.Metrics;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Metrics;

[Collection(ExactResults.Collection)] // seeds the global generator for the LPIPS weights, and compares runs bit for bit
public sealed class PerceptualPathLengthTests : IDisposable
{
    readonly Generator generator = MetricSuiteTests.SmallGenerator(channels: 3);
    readonly Lpips lpips = RandomLpips();

    public void Dispose()
    {
        generator.Dispose();
        lpips.Dispose();
    }

    static Lpips RandomLpips()
    {
        TorchSharp.torch.random.manual_seed(11);
        var lpips = new Lpips(new Vgg16Features([4, 4, 4, 4, 4]));
        using (no_grad()) foreach (var parameter in lpips.parameters()) parameter.abs_();
        lpips.eval();
        return lpips;
    }

    [Fact]
    public void AnEndPointStepInWIsTheLpipsOfItsTwoImagesOverEpsilonSquared()
    {
        var protocol = new PathLengthProtocol(LatentSpace.W, Full: false, Crop: false, Epsilon: 1e-2);
        var noise = NoiseInputs.Of(generator.Synthesis);
        var stored = noise.Select(input => input.Const.clone()).ToList();
        using var latents = new MetricLatents(generator.Config, null, 4);
        var distances = PerceptualPathLength.Distances(generator, lpips, protocol, 3, latents, CPU);

        // The same draws by hand: t (zero at the end points), z0 and z1, then each layer's noise.
        using var _ = no_grad();
        using var again = new MetricLatents(generator.Config, null, 4);
        again.Uniform(3);
        var z = again.Z(6);
        var w = generator.Mapping.forward(z, null);
        var (w0, w1) = (w.narrow(0, 0, 3), w.narrow(0, 3, 3));
        var drawn = noise.Select(input => again.NormalLike(input.Const)).ToList();
        foreach (var (input, value) in noise.Zip(drawn)) input.Const.copy_(value);
        var start = generator.Synthesis.forward(w0, NoiseMode.Const);
        var step = generator.Synthesis.forward(w0 + (w1 - w0) * 1e-2, NoiseMode.Const);
        var expected = lpips.forward(start, step).to(float64) / 1e-4;
        foreach (var (input, value) in noise.Zip(stored)) input.Const.copy_(value);

        Close.Assert(expected, distances, "distances", 1e-4);
        Assert.True(distances.min().item<double>() > 0);
    }

    [Fact]
    public void TheStoredNoiseIsPutBackAndTheSameSeedGivesTheSameLengths()
    {
        var stored = NoiseInputs.Of(generator.Synthesis).Select(input => input.Const.clone()).ToList();
        foreach (var protocol in new[] { new PathLengthProtocol(LatentSpace.Z, Full: true, Crop: true), new PathLengthProtocol(LatentSpace.W, Full: true, Crop: false) })
        {
            using var a = new MetricLatents(generator.Config, null, 9);
            using var b = new MetricLatents(generator.Config, null, 9);
            var first = PerceptualPathLength.Distances(generator, lpips, protocol, PerceptualPathLength.BatchSize + 3, a, CPU);
            var second = PerceptualPathLength.Distances(generator, lpips, protocol, PerceptualPathLength.BatchSize + 3, b, CPU);
            Assert.Equal(PerceptualPathLength.BatchSize + 3, first.shape[0]);
            Close.Assert(first, second, $"{protocol.Space} lengths", 0);
            Assert.True(first.isfinite().all().item<bool>());
        }
        foreach (var (input, saved) in NoiseInputs.Of(generator.Synthesis).Zip(stored)) Close.Assert(saved, input.Const, input.Name, 0);
    }

    [Fact]
    public void TheMeanLeavesOutWhatIsBelowTheFirstPercentileAndAboveTheNinetyNinth()
    {
        // 201 values: NumPy's percentile(1, 'lower') is the sorted value at 2, percentile(99, 'higher') the one at 198.
        var values = Enumerable.Range(0, 201).Select(i => (double)i * i).ToArray();
        values[0] = -1e9;
        values[200] = 1e9;
        var shuffled = values.OrderBy(v => Math.Sin(v)).ToArray();
        double expected = Enumerable.Range(2, 197).Select(i => (double)i * i).Average();
        Assert.Equal(expected, PerceptualPathLength.Aggregate(tensor(shuffled)), 1e-9);
    }

    [Fact]
    public void AStepOutsideItsRangeOrACropSmallerThanLpipsTakesIsRefused()
    {
        using var latents = new MetricLatents(generator.Config, null, 0);
        Assert.Throws<StyleGan.InvalidValueException>(() => PerceptualPathLength.Distances(generator, lpips, new(LatentSpace.W, false, false, Epsilon: 0), 2, latents, CPU));
        using var small = MetricSuiteTests.SmallGenerator(channels: 3, resolution: 16);
        Assert.Throws<StyleGan.InvalidValueException>(() => PerceptualPathLength.Distances(small, lpips, new(LatentSpace.W, false, Crop: true), 2, latents, CPU));
    }
}
