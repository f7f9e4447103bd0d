using StyleGan.Configs;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Tests.Editing;

/// <summary>The library pieces the explorer page renders with: the seed plane, ws edits, noise strength, layer capture and the layer view.</summary>
[Collection(ExactResults.Collection)]
public sealed class ExplorerLibraryTests
{
    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    [Fact]
    public void AGridPointIsItsSeedAndBetweenPointsFourSeedsBlendAsTheVisualizerWeighsThem()
    {
        Assert.Equal([(3u, 1.0)], SeedPlane.Neighbours(3, 0));
        Assert.Equal([(203u, 1.0)], SeedPlane.Neighbours(3, 2));
        var blend = SeedPlane.Neighbours(3.25, 0.5);
        Assert.Equal([3u, 4u, 103u, 104u], blend.Select(n => n.Seed));
        Assert.Equal([0.375, 0.125, 0.375, 0.125], blend.Select(n => n.Weight));
        Assert.Equal(uint.MaxValue, SeedPlane.Neighbours(-1, 0).Single().Seed); // & (2^32 - 1), as the visualizer
        Assert.Equal(4u, SeedPlane.SeedAt(3.5, 0)); // round half to even, as Python's round
        Assert.Equal(2u, SeedPlane.SeedAt(2.5, 0));
        Assert.Throws<InvalidValueException>(() => SeedPlane.Neighbours(double.NaN, 0));
        Assert.Throws<InvalidValueException>(() => SeedPlane.Neighbours(0, 1.1e10));
    }

    [Fact]
    public void TheWsOfAPointAreItsSeedsWsExactlyAtGridPointsAndTheVisualizersBlendBetween()
    {
        var sampler = TinyGenerator.Sampler();
        var truncation = new Truncation(0.7);
        Assert.True(Same(sampler.MapSeeds([5u], null, truncation), SeedPlane.Ws(sampler, 5, 0, null, truncation)));

        var ws = SeedPlane.Ws(sampler, 3.25, 0.5, null, truncation);
        // renderer.py: sum(weight * (ws(seed) - w_avg)) + w_avg.
        var seeds = sampler.MapSeeds([3u, 4u, 103u, 104u], null, truncation);
        var weights = tensor(new float[] { 0.375f, 0.125f, 0.375f, 0.125f }).reshape(-1, 1, 1);
        var visualizer = ((seeds - sampler.WAvg) * weights).sum(0, keepdim: true) + sampler.WAvg;
        Assert.True(ws.allclose(visualizer, rtol: 0, atol: 1e-5));

        // The same point through a sampler of another batch size: the same ws, bit for bit (the page renders one
        // image at a time, generate in batches).
        var single = new Sampler(sampler.Generator, batchSize: 1);
        Assert.True(Same(ws, SeedPlane.Ws(single, 3.25, 0.5, null, truncation)));
    }

    [Fact]
    public void EditsMixTheListedLayersFromTheSecondSeedThenMoveAlongDirections()
    {
        var sampler = TinyGenerator.Sampler();
        var truncation = new Truncation(0.5);
        var directions = SemanticDirections.Find(sampler, Enumerable.Range(0, sampler.NumWs).ToList(), 3);
        var ws = sampler.MapSeeds([1u], null, truncation);
        var edits = new WsEdits(9, [0, 2], [new DirectionMove(0, 1.5), new DirectionMove(2, -2), new DirectionMove(1, 0)]);
        var expected = directions.Apply(directions.Apply(WSpace.Mix(ws, sampler.MapSeeds([9u], null, truncation), [0, 2]), 0, 1.5), 2, -2);
        Assert.True(Same(expected, edits.Apply(ws, sampler, null, truncation, directions)));
        Assert.True(WsEdits.None.IsNone);
        Assert.True(new WsEdits(9, [], [new DirectionMove(0, 0)]).IsNone);
        Assert.Same(ws, WsEdits.None.Apply(ws, sampler, null, truncation, null));
        Assert.Throws<InvalidValueException>(() => new WsEdits(null, [], [new DirectionMove(0, 1)]).Apply(ws, sampler, null, truncation, null));
    }

    [Fact]
    public void NoiseStrengthScalesTheNoiseZeroBeingNoNoiseAndOneAsTrained()
    {
        var sampler = TinyGenerator.Sampler();
        var ws = sampler.MapSeeds([4u]);
        foreach (var mode in new[] { NoiseMode.Const, NoiseMode.Random })
        {
            Assert.True(Same(sampler.Synthesize(ws, new NoiseSettings(mode, 3)), sampler.Synthesize(ws, new NoiseSettings(mode, 3, 1))));
            Assert.True(sampler.Synthesize(ws, new NoiseSettings(NoiseMode.None)).allclose(sampler.Synthesize(ws, new NoiseSettings(mode, 3, 0)), rtol: 0, atol: 1e-6));
            Assert.False(Same(sampler.Synthesize(ws, new NoiseSettings(mode, 3, 1)), sampler.Synthesize(ws, new NoiseSettings(mode, 3, 2))));
        }
        Assert.Throws<InvalidValueException>(() => sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Const, 0, -1)));
        Assert.Throws<InvalidValueException>(() => sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Const, 0, double.NaN)));
    }

    [Fact]
    public void SynthesisShowsEveryLayersOutputUnderItsStateDictNameWithoutChangingTheImage()
    {
        var sampler = TinyGenerator.Sampler();
        var ws = sampler.MapSeeds([2u]);
        var seen = new List<(string Name, long[] Shape)>();
        var observed = sampler.Synthesize(ws, null, (name, output) => seen.Add((name, output.shape)));
        Assert.True(Same(sampler.Synthesize(ws), observed));
        var convs = sampler.Generator.Synthesis.Layers().Select(l => l.Name).ToList();
        Assert.Equal(convs, seen.Select(s => s.Name).Where(name => !name.EndsWith(".torgb")));
        Assert.Equal(["b4.torgb", "b8.torgb", "b16.torgb"], seen.Select(s => s.Name).Where(name => name.EndsWith(".torgb")));
        Assert.Equal(new long[] { 1, 3, 16, 16 }, seen.Last().Shape);
    }

    [Fact]
    public void TheLayerViewOfTheOutputIsTheSavedImageAndAChannelShowsInGrayWithItsStatistics()
    {
        var sampler = TinyGenerator.Sampler();
        var image = sampler.GenerateSeeds([6u]);
        using (var view = LayerView.Show(image, null, normalize: false))
        {
            Assert.True(Same(PixelRange.ToUint8(image)[0], view.Image));
            Assert.Equal(image.mean().item<float>(), view.Statistics.Mean, 5);
            Assert.Equal(image.abs().max().item<float>(), view.Statistics.Max, 5);
        }
        var features = randn(1, 7, 5, 5, generator: new TorchSharp.torch.Generator(1)) * 0.01;
        using (var gray = LayerView.Show(features, 4, normalize: true))
        {
            Assert.Equal(new long[] { 1, 5, 5 }, gray.Image.shape);
            Assert.Equal(features[0, 4].abs().max().item<float>(), gray.Statistics.ShownMax, 6);
            var values = gray.Image.to(int32);
            Assert.True(values.max().item<int>() == 255 || values.min().item<int>() == 0, "normalising stretches the channel to the full range");
        }
        Assert.Throws<InvalidValueException>(() => LayerView.Show(features, 7, false));
    }
}
