using StyleGan.Configs;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Tests.Generation;

public sealed class GenerationTests
{
    static readonly uint[] Seeds = [3, 14, 15, 92, 65];

    [Fact]
    public void MixingAtTheListedLayersEqualsSynthesisOfTheHandAssembledWs()
    {
        var sampler = TinyGenerator.Sampler();
        uint[] rows = [1, 2], cols = [7, 8, 9];
        int[] layers = [0, 1, 3];
        var figure = StyleMixing.Run(sampler, rows, cols, layers);
        var rowWs = sampler.MapSeeds(rows);
        var colWs = sampler.MapSeeds(cols);
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < cols.Length; c++)
            {
                var ws = rowWs.narrow(0, r, 1).clone();
                foreach (int layer in layers) ws[0, layer] = colWs[c, layer];
                Close.Assert(sampler.Synthesize(ws), figure.Cell(r, c), $"cell {r},{c}", 1e-5);
            }
        Close.Assert(sampler.GenerateSeeds(rows), figure.Sources.narrow(0, 0, 2), "row sources", 1e-5);
        var grid = figure.Grid();
        Assert.Equal((rows.Length + 1) * (cols.Length + 1), grid.shape[0]);
        Assert.Equal(-1f, grid[0].max().item<float>()); // the black corner
        Close.Assert(figure.Source(2), grid.narrow(0, 1, 1), "first column source on top", 0);
        Close.Assert(figure.Source(0), grid.narrow(0, cols.Length + 1, 1), "first row source on the left", 0);
    }

    [Fact]
    public void WithNoiseStrengthsZeroedAllNoiseModesAgree()
    {
        var sampler = TinyGenerator.Sampler();
        var ws = sampler.MapSeeds(Seeds);
        var none = sampler.Synthesize(ws, new NoiseSettings(NoiseMode.None));
        var random = sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Random, 5));
        Assert.True((none - random).abs().max().item<float>() > 1e-3, "noise at strength 0.5 must change the image");
        NoiseInputs.WithOnly(sampler.Generator.Synthesis, _ => false, () =>
        {
            // Adding a zero noise rounds like no addition only up to float32's rounding (fused multiply-adds).
            Close.Assert(none, sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Const)), "const", 1e-5);
            Close.Assert(none, sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Random, 5)), "random", 1e-5);
            return 0;
        });
        Close.Assert(random, sampler.Synthesize(ws, new NoiseSettings(NoiseMode.Random, 5)), "strengths put back, same seed same noise", 0);
    }

    [Fact]
    public void PsiZeroGivesTheWAvgImageForEverySeed()
    {
        var sampler = TinyGenerator.Sampler();
        var images = sampler.GenerateSeeds(Seeds, truncation: new Truncation(0));
        var wAvgImage = sampler.Synthesize(sampler.WAvg.reshape(1, 1, -1).expand(1, sampler.NumWs, -1).contiguous());
        for (int i = 0; i < Seeds.Length; i++) Close.Assert(wAvgImage, images.narrow(0, i, 1), $"seed {Seeds[i]}", 1e-5);
    }

    [Fact]
    public void TruncationWithACutoffTouchesOnlyTheFirstWs()
    {
        var sampler = TinyGenerator.Sampler();
        var ws = sampler.MapSeeds(Seeds);
        var truncated = sampler.MapSeeds(Seeds, truncation: new Truncation(0.5, 2));
        Close.Assert(ws.narrow(1, 2, sampler.NumWs - 2), truncated.narrow(1, 2, sampler.NumWs - 2), "untouched layers", 0);
        Close.Assert(sampler.WAvg + (ws.narrow(1, 0, 2) - sampler.WAvg) * 0.5, truncated.narrow(1, 0, 2), "truncated layers", 1e-6);
        var sweep = TruncationSweep.Run(sampler, [3, 14], [1, 0, 0.5]);
        Close.Assert(sampler.GenerateSeeds([14], truncation: new Truncation(0.5)), sweep.narrow(0, 5, 1), "seed 14 at psi 0.5", 1e-5);
    }

    [Fact]
    public void ResultsDoNotDependOnTheBatchSize()
    {
        var one = TinyGenerator.Sampler(batch: 1);
        var four = new Sampler(one.Generator, batchSize: 4);
        Close.Assert(one.GenerateSeeds(Seeds), four.GenerateSeeds(Seeds), "batch 1 against 4", 1e-5);
    }

    [Fact]
    public void ConditionalNetworksNeedAClassInRange()
    {
        var conditional = TinyGenerator.Sampler(cDim: 3);
        Assert.Equal("Class", Assert.Throws<InvalidValueException>(() => conditional.GenerateSeeds(Seeds)).Name);
        Assert.Throws<InvalidValueException>(() => conditional.GenerateSeeds(Seeds, classIndex: 3));
        Assert.Equal(5, conditional.GenerateSeeds(Seeds, classIndex: 2).shape[0]);
        Assert.Throws<InvalidValueException>(() => TinyGenerator.Sampler().GenerateSeeds(Seeds, classIndex: 0));
    }

    [Theory]
    [InlineData("coarse", 18, new[] { 0, 1, 2, 3 })]
    [InlineData("middle", 18, new[] { 4, 5, 6, 7 })]
    [InlineData("fine", 18, new[] { 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 })]
    [InlineData("middle", 6, new[] { 4, 5 })]
    [InlineData("0-2,5", 6, new[] { 0, 1, 2, 5 })]
    public void LayerRangesNameWsIndices(string text, int numWs, int[] expected) => Assert.Equal(expected, LayerRange.Parse(text, numWs));

    [Theory]
    [InlineData("fine", 8)]
    [InlineData("0-8", 8)]
    [InlineData("nose", 8)]
    [InlineData("3-1", 8)]
    [InlineData("-1", 8)]
    public void BadLayerRangesAreRefused(string text, int numWs) => Assert.Throws<InvalidValueException>(() => LayerRange.Parse(text, numWs));

    [Fact]
    public void SlerpKeepsItsEndsAndInterpolatesTheNorm()
    {
        var a = randn(3, 16);
        var b = randn(3, 16);
        Close.Assert(a, WSpace.Slerp(a, b, 0), "t=0", 0);
        Close.Assert(b, WSpace.Slerp(a, b, 1), "t=1", 0);
        var middle = WSpace.Slerp(a, b, 0.5);
        Close.Assert((a.norm(1) + b.norm(1)) / 2, middle.norm(1), "norm", 1e-5);
        // On the great circle: the angle to each end is half the whole angle.
        var cos = (Tensor x, Tensor y) => (x * y).sum(1) / (x.norm(1) * y.norm(1));
        Close.Assert(cos(a, middle).acos() * 2, cos(a, b).acos(), "angle", 1e-4);
    }
}

public sealed class InterpolationTests
{
    [Theory]
    [InlineData(InterpolationSpace.W)]
    [InlineData(InterpolationSpace.Z)]
    public void EndFramesEqualTheEndpointImages(InterpolationSpace space)
    {
        var sampler = TinyGenerator.Sampler(batch: 3);
        uint[] seeds = [5, 6, 7];
        var frames = Interpolation.Frames(sampler, seeds, space, framesPerSeed: 4, truncation: new Truncation(0.8)).Select(f => f.clone()).ToList();
        Assert.Equal(Interpolation.FrameCount(3, 4, loop: false), frames.Count);
        Assert.Equal(9, frames.Count);
        var ends = sampler.GenerateSeeds(seeds, truncation: new Truncation(0.8));
        Close.Assert(ends.narrow(0, 0, 1), frames[0], "first frame", 1e-5);
        Close.Assert(ends.narrow(0, 1, 1), frames[4], "middle seed", 1e-5);
        Close.Assert(ends.narrow(0, 2, 1), frames[^1], "last frame", 1e-5);
        Assert.True((frames[1] - frames[0]).abs().max().item<float>() > 0, "frames between seeds differ from the seeds'");
    }

    [Fact]
    public void ALoopEndsJustBeforeTheFirstSeed()
    {
        var sampler = TinyGenerator.Sampler();
        var frames = Interpolation.Frames(sampler, [1, 2], framesPerSeed: 3, loop: true).Select(f => f.clone()).ToList();
        Assert.Equal(6, frames.Count);
        Close.Assert(sampler.GenerateSeeds([2]), frames[3], "second seed", 1e-5);
        Assert.Throws<InvalidValueException>(() => Interpolation.Frames(sampler, [1], framesPerSeed: 3));
    }
}
