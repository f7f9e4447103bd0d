using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Editing;

public sealed class ProjectorTests
{
    [Fact]
    public void ProjectingAnImageTheGeneratorMadeRecoversItFarBetterThanTheStart()
    {
        // Without noise the image is w's alone, so the projected w must make the target by itself.
        var sampler = TinyGenerator.Sampler(noiseStrength: 0);
        var target = sampler.GenerateSeeds([11]);
        var noiseBefore = NoiseInputs.Of(sampler.Generator.Synthesis).Select(n => n.Const.clone()).ToList();
        var options = new ProjectorOptions { Steps = 200, WAvgSamples = 2000 };
        var (wAvg, _) = Projector.WStatistics(sampler, options.WAvgSamples);
        var start = sampler.Synthesize(wAvg.expand(1, sampler.NumWs, -1).contiguous());
        double startError = (start - target).square().mean().ToDouble();

        var steps = Projector.Run(sampler, target, ImageDistance.PixelMultiScale, options).ToList();
        Assert.Equal(200, steps.Count);
        var projected = sampler.Synthesize(steps[^1].Ws);
        double endError = (projected - target).square().mean().ToDouble();
        Assert.True(endError < startError / 20, $"pixel MSE {endError:G3} after projection, {startError:G3} at the w_avg start");
        Assert.True(steps[^1].Distance < steps[0].Distance / 10, $"distance {steps[0].Distance:G3} -> {steps[^1].Distance:G3}");

        // The network is left as it was: its noise buffers put back, its weights without gradients.
        foreach (var (before, after) in noiseBefore.Zip(NoiseInputs.Of(sampler.Generator.Synthesis)))
            Close.Assert(before, after.Const, "noise buffer", 0);
        Assert.All(sampler.Generator.parameters(), p => Assert.Null(p.grad));
    }

    // StyleGAN3 has no noise inputs to regularize: only w is optimized, and it still finds the network's own image.
    [Fact]
    public void AStyleGan3NetworkProjectsToo()
    {
        using var networks = NetworkFile.Load(Path.Combine(ReferenceData.Fixture("published"), "stylegan3-t-tiny.pkl"), NetworkParts.Sampler);
        var sampler = new Sampler(networks.Sampler, batchSize: 1);
        var target = sampler.GenerateSeeds([5]);
        var steps = Projector.Run(sampler, target, ImageDistance.PixelMultiScale, new ProjectorOptions { Steps = 60, WAvgSamples = 500 }).ToList();
        Assert.Equal(60, steps.Count);
        Assert.True(steps[^1].Distance < steps[0].Distance / 2, $"distance {steps[0].Distance:G3} -> {steps[^1].Distance:G3}");
        Assert.All(sampler.Generator.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void ProjectionWithLpipsLowersTheLpipsDistance()
    {
        // The narrow VGG16 fixture (random weights in torchvision's layout): the loss path the CLI takes with --vgg.
        using var lpips = StyleGan.Metrics.Lpips.Load(ReferenceData.Fixture("lpips/lin-narrow.pth"), ReferenceData.Fixture("lpips/vgg16-narrow.pth"));
        var sampler = TinyGenerator.Sampler(noiseStrength: 0);
        var target = sampler.GenerateSeeds([4]);
        var steps = Projector.Run(sampler, target, lpips.ProjectionDistance(), new ProjectorOptions { Steps = 60, WAvgSamples = 500 }).ToList();
        Assert.True(steps[^1].Distance < steps[0].Distance / 2, $"LPIPS {steps[0].Distance:G3} -> {steps[^1].Distance:G3}");
        using var _ = no_grad();
        Assert.Equal(steps[^1].Distance, lpips.forward(target, steps[^1].Image).sum().ToDouble(), 5);
    }

    [Fact]
    public void WPlusOptimizesOneWPerLayerAndAWrongTargetIsRefused()
    {
        var sampler = TinyGenerator.Sampler();
        var target = sampler.GenerateSeeds([2]);
        var last = Projector.Run(sampler, target, ImageDistance.PixelMultiScale, new ProjectorOptions { Steps = 20, WAvgSamples = 100, WPlus = true }).Last();
        Assert.Equal(new long[] { 1, sampler.NumWs, 16 }, last.Ws.shape);
        Assert.True((last.Ws[0, 0] - last.Ws[0, 1]).abs().max().item<float>() > 0, "the layers' ws move apart");
        Assert.Throws<InvalidValueException>(() => Projector.Run(sampler, zeros(1, 3, 8, 8), ImageDistance.PixelMultiScale));
        Assert.Throws<InvalidValueException>(() => Projector.Run(sampler, target, ImageDistance.PixelMultiScale, new ProjectorOptions { Steps = 0 }));
    }
}
