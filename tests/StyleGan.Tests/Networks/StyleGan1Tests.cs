using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Networks;
using StyleGan.Ops;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Networks;

/// <summary>The 2019 family's networks: the fade-in at its ends, the layers each config of the ladder builds, its truncation and mixing.</summary>
[Collection(ExactResults.Collection)]
public sealed class StyleGan1Tests
{
    static GeneratorConfig Config(int resolution, bool growing, SynthesisNormalization normalization = SynthesisNormalization.Adain) => new()
    {
        ZDim = 8, WDim = 8, ImgResolution = resolution, ImgChannels = 3, MappingKwargs = new MappingConfig { NumLayers = 2 },
        SynthesisKwargs = new SynthesisConfig
        {
            ChannelBase = 64, ChannelMax = 8, Architecture = Architecture.Orig, Normalization = normalization,
            Resampling = Resampling.NearestBlur, Growing = growing,
        },
    };

    static DiscriminatorConfig DConfig(int resolution, bool growing) => new()
    {
        ImgResolution = resolution, ImgChannels = 3, ChannelBase = 64, ChannelMax = 8, Architecture = Architecture.Orig,
        Resampling = Resampling.NearestBlur, Growing = growing, EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = 2 },
    };

    [Fact]
    public void GeneratorFadeEndsEqualTheLowerAndHigherResolutionPathsExactly()
    {
        manual_seed(11);
        using var grown = new Generator(Config(16, growing: true));
        using var lower = new Generator(Config(8, growing: true));
        using var fixedSize = new Generator(Config(16, growing: false));
        CopyShared(grown, lower);
        CopyShared(grown, fixedSize);
        grown.eval(); lower.eval(); fixedSize.eval();
        using var _ = no_grad();
        var ws = grown.Mapping.forward(randn(3, 8), null);

        grown.Synthesis.Lod = 1; // alpha 1 at 16x16: the 8x8 network's image, up-sampled
        var atLower = grown.Synthesis.forward(ws, NoiseMode.Const);
        Assert.True(Same(atLower, BoxResample.UpscaleNearest(lower.Synthesis.forward(ws.narrow(1, 0, lower.NumWs), NoiseMode.Const))));

        grown.Synthesis.Lod = 0; // alpha 0: the full network, which has no other toRGB
        var atHigher = grown.Synthesis.forward(ws, NoiseMode.Const);
        Assert.True(Same(atHigher, fixedSize.Synthesis.forward(ws, NoiseMode.Const)));

        grown.Synthesis.Lod = 0.25;
        var between = grown.Synthesis.forward(ws, NoiseMode.Const);
        Assert.True(between.allclose(atHigher * 0.75 + atLower * 0.25, rtol: 1e-5, atol: 1e-6));

        grown.Synthesis.Lod = 1.5; // the layers of 16x16 take no ws
        Assert.Equal(grown.NumWs - 2, grown.Synthesis.ActiveNumWs);
    }

    [Fact]
    public void DiscriminatorFadeEndsEqualTheLowerAndHigherResolutionPathsExactly()
    {
        manual_seed(12);
        using var grown = new Discriminator(DConfig(16, growing: true));
        using var lower = new Discriminator(DConfig(8, growing: true));
        using var fixedSize = new Discriminator(DConfig(16, growing: false));
        CopyShared(grown, lower);
        CopyShared(grown, fixedSize);
        using var _ = no_grad();
        var img = randn(4, 3, 16, 16);

        grown.Lod = 1;
        Assert.True(Same(grown.forward(img, null), lower.forward(BoxResample.DownscaleAverage(img), null)));
        grown.Lod = 0;
        Assert.True(Same(grown.forward(img, null), fixedSize.forward(img, null)));
        grown.Lod = 0.5; // in between it differs from both
        var between = grown.forward(img, null);
        Assert.False(between.allclose(fixedSize.forward(img, null)));
    }

    [Fact]
    public void EachConfigOfTheLadderBuildsTheLayersItsRowSays()
    {
        foreach (var cfg in Presets.StyleGan1Table)
        {
            var options = Presets.Get(cfg, 32) with { ZDim = 16, ChannelMax = 8 };
            using var run = new TrainingRunState(options, 32, 1, 0, "memory", CPU);
            var g = run.G.state_dict().Keys.ToHashSet();
            var d = run.D.state_dict().Keys.ToHashSet();
            char row = cfg[^1];
            Assert.Equal(row >= 'c', g.Contains("mapping.fc0.weight"));                             // C: + mapping network
            Assert.Equal(row >= 'c', g.Contains("synthesis.b8.conv0.affine.weight"));               // C: + styles (AdaIN)
            Assert.Equal(row < 'd', g.Contains("synthesis.b4.input.weight"));                       // D: - traditional input
            Assert.Equal(row >= 'd', g.Contains("synthesis.b4.input.const"));                       //    + the learned constant
            Assert.Equal(row >= 'e', g.Contains("synthesis.b32.conv1.noise_strength"));             // E: + noise inputs
            Assert.Equal(row == 'f', options.StyleMixing > 0);                                      // F: + mixing regularization
            Assert.Equal(row == 'a' ? AdversarialLoss.WganGp : AdversarialLoss.Logistic, options.Loss);
            Assert.Equal(row == 'a' ? Resampling.Nearest : Resampling.NearestBlur, options.Resampling);
            Assert.All(new[] { 4, 8, 16, 32 }, res => Assert.Contains($"synthesis.b{res}.torgb.weight", g)); // growing: a toRGB per resolution
            Assert.All(new[] { 8, 16, 32 }, res => Assert.Contains($"b{res}.fromrgb.weight", d));
            Assert.Contains("b4.fromrgb.weight", d);
            Assert.DoesNotContain(g, name => name.StartsWith("synthesis.b4.conv0.", StringComparison.Ordinal)); // the input layer has one name
            Assert.Equal(run.G.named_parameters().Count() + run.G.named_buffers().Count(), g.Count);
            Assert.Equal(row == 'a' ? 3 : 2, run.Lod); // from 4x4 (Progressive GAN) or 8x8 (StyleGAN)
        }
    }

    // G_style's truncation: dlatents = lerp(dlatent_avg, dlatents, psi) where layer_idx < truncation_cutoff (8).
    [Fact]
    public void A2019NetworkTruncatesItsFirstEightWsUnlessACutoffIsNamed()
    {
        foreach (var (cfg, cutoff) in new[] { ("sg1-f", (int?)8), ("sg1-b", null) })
        {
            var options = Presets.Get(cfg, 64) with { ZDim = 16, ChannelMax = 8, Seed = 3 };
            var (config, _) = TrainingRunState.NetworkConfigs(options, 64, 1, 0);
            Assert.Equal(cutoff, config.MappingKwargs.TruncationCutoff);
            Assert.Equal(config, GeneratorConfig.FromJson(config.ToJson(), "test"));
        }
        var (f, _) = TrainingRunState.NetworkConfigs(Presets.Get("sg1-f", 64) with { ZDim = 16, ChannelMax = 8 }, 64, 1, 0);
        using var mapping = new MappingNetwork(16, 0, 16, numWs: 10, f.MappingKwargs);
        mapping.eval();
        using (no_grad()) mapping.WAvg.copy_(randn(16));
        var z = randn(3, 16);
        var ws = mapping.forward(z, null);
        var expected = ws.clone();
        expected.narrow(1, 0, 8).copy_(mapping.WAvg + (ws.narrow(1, 0, 8) - mapping.WAvg) * 0.7);
        Assert.True(mapping.forward(z, null, truncationPsi: 0.7).allclose(expected, rtol: 1e-6, atol: 1e-6));
        // A cutoff that is named wins; one past the last ws means every ws, as NVIDIA's layer_idx < cutoff.
        var all = mapping.WAvg + (ws - mapping.WAvg) * 0.7;
        Assert.True(mapping.forward(z, null, truncationPsi: 0.7, truncationCutoff: 10).allclose(all, rtol: 1e-6, atol: 1e-6));
        using var small = new MappingNetwork(16, 0, 16, numWs: 6, f.MappingKwargs);
        Assert.Equal(6, small.Cutoff(null));
        Assert.Equal(2, small.Cutoff(2));
    }

    [Fact]
    public void MixingRegularizationMixesOnlyInConfigF()
    {
        foreach (var (cfg, mixes) in new[] { ("sg1-e", false), ("sg1-f", true) })
        {
            var options = Presets.Get(cfg, 16) with { ZDim = 16, ChannelMax = 8, Seed = 3 };
            using var run = new TrainingRunState(options, 16, 1, 0, "memory", CPU);
            run.SetLod(0);
            using var _ = no_grad();
            bool anyMixed = Enumerable.Range(0, 8).Any(_ =>
            {
                var ws = run.Loss.RunGenerator(randn(2, 16), null).Ws;
                return !Same(ws, ws.narrow(1, 0, 1).expand_as(ws));
            });
            Assert.Equal(mixes, anyMixed);
        }
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    // Loads into target every tensor of source's state whose name the target has (the shared resolutions and mapping).
    static void CopyShared(nn.Module source, nn.Module target)
    {
        var state = source.state_dict();
        using var _ = no_grad();
        foreach (var (name, tensor) in target.state_dict()) tensor.copy_(state[name]);
    }
}
