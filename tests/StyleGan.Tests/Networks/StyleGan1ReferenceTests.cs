using System.Numerics;
using System.Text.Json;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Networks;

public sealed class StyleGan1GeneratorAReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-a");
public sealed class StyleGan1GeneratorCReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-c");
public sealed class StyleGan1GeneratorFReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-f");
public sealed class StyleGan1GeneratorEnvironmentAReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-a");
public sealed class StyleGan1GeneratorEnvironmentCReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-c");
public sealed class StyleGan1GeneratorEnvironmentFReferenceTests() : StyleGan1GeneratorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-f");
public sealed class StyleGan1DiscriminatorAReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-a");
public sealed class StyleGan1DiscriminatorCReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-c");
public sealed class StyleGan1DiscriminatorFReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-f");
public sealed class StyleGan1DiscriminatorEnvironmentAReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-a");
public sealed class StyleGan1DiscriminatorEnvironmentCReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-c");
public sealed class StyleGan1DiscriminatorEnvironmentFReferenceTests() : StyleGan1DiscriminatorReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-f");

/// <summary>The levels of detail a 2019 reference file holds outputs for (its metadata <c>lods</c>), each with the key part of its outputs.</summary>
static class StyleGan1Lods
{
    /// <returns>Each lod and its key part, "lod[1.25]." as the file writes it.</returns>
    public static IReadOnlyList<(double Lod, string Key)> Of(SafetensorsFile reference)
    {
        using var lods = JsonDocument.Parse(reference.Metadata["lods"]);
        return lods.RootElement.EnumerateArray().Select(lod => (lod.GetDouble(), $"lod[{lod.GetRawText()}].")).ToList();
    }

    /// <summary>
    /// Ours computed a gradient for every parameter the reference has one for at this lod, and none for the others
    /// (the layers of the resolutions the lod leaves out): null, or zero where a path reaches it with weight 0.
    /// </summary>
    /// <param name="expected">The reference's gradients at this lod, by our parameter names.</param>
    /// <param name="network">Ours, after backward.</param>
    /// <param name="what">The lod and dtype, for messages.</param>
    /// <param name="tolerance">Relative to max(1, max|reference|).</param>
    public static void AssertGradients(IReadOnlyDictionary<string, Tensor> expected, nn.Module network, string what, double tolerance)
    {
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(expected.Keys, name => Assert.True(parameters.ContainsKey(name), $"{what}: the reference has a gradient of {name}, which ours lacks."));
        foreach (var (name, parameter) in parameters)
        {
            if (expected.TryGetValue(name, out var gradient))
                Close.Assert(gradient, parameter.grad ?? throw new Xunit.Sdk.XunitException($"{what}: {name} got no gradient."), $"{what} {name}", tolerance);
            else
                Assert.True(parameter.grad is null || !parameter.grad.any().item<bool>(), $"{what}: {name} got a gradient, but the reference's network does not use it there.");
        }
    }
}

/// <summary>
/// Our 2019 generator against a reference file made by genforce's port of NVIDIA's StyleGAN / Progressive GAN
/// (tests/fixtures/reference-sg1): at each of the file's lods, every layer's output, the image and every gradient.
/// Every size and setting comes from the file.
/// </summary>
public abstract class StyleGan1GeneratorReferenceTests(ReferenceSet set, string preset) : IDisposable
{
    readonly ReferenceNetwork<Generator> reference = ReferenceNetworks.Generator(set, $"{preset}-generator");

    SafetensorsFile Reference => reference.File;

    Generator Network => reference.Network;

    public void Dispose() => reference.Dispose();

    Tensor Ref(string name) => Reference[name];

    // The synthesis takes the file's per-layer ws (StyleGAN) or maps z (Progressive GAN, whose file has no ws).
    Tensor? GivenWs => Reference.Tensors.GetValueOrDefault("in.ws");

    // Float32 bounds from the file's sizes (Float32Rounding). From z a value passes the mapping's layers to w; from w
    // a style affine (AdaIN), the synthesis layers (num_ws) and a toRGB to the image. The widest sum is a 3x3
    // convolution's at the most channels.
    int MappingDepth => Network.Config.MappingKwargs.NumLayers;
    int SynthesisDepth => Network.NumWs + 2;
    double Float32Bound(int depth) => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), depth);

    [SkippableFact]
    public void LoadsEveryTensorUnderOurName()
    {
        var report = StateDict.Load(Network, Reference.Tensors, prefix: "param.", strict: false);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(int.Parse(Reference.Metadata["num_ws"]), Network.NumWs);
    }

    /// <summary>The file's network is what our preset builds at the file's size, so the reference covers the preset.</summary>
    [SkippableFact]
    public void ConfigIsThePresetsAtTheFilesSize()
    {
        var config = Network.Config;
        var options = Presets.Get(preset, config.ImgResolution) with
        {
            ZDim = config.ZDim, ChannelBase = config.SynthesisKwargs.ChannelBase, ChannelMax = config.SynthesisKwargs.ChannelMax,
        };
        var (expected, _) = TrainingRunState.NetworkConfigs(options, config.ImgResolution, config.ImgChannels, config.CDim);
        Assert.Equal(expected.ToJson(), config.ToJson());
    }

    /// <summary>genforce's truncation: psi towards w_avg for the ws below trunc_layers, as the 2019 cutoff.</summary>
    [SkippableFact]
    public void MappingAndTruncationMatchReference()
    {
        Skip.If(MappingDepth == 0, $"{preset} has no mapping network: w is the normalized z, and the file no out.ws.");
        using var _ = no_grad();
        var bound = Float32Rounding.Bound(Float32Rounding.LongestReduction(Network.Mapping), MappingDepth);
        var z = Ref("in.z");
        Close.Assert(Ref("out.ws"), Network.Mapping.forward(z, null), "mapping ws", bound);
        Close.Assert(Ref("out.ws_psi0.7_cutoff8"), Network.Mapping.forward(z, null, truncationPsi: 0.7, truncationCutoff: 8), "ws psi 0.7 cutoff 8", bound);
        Close.Assert(Ref("out.ws_psi0.5_cutoff2"), Network.Mapping.forward(z, null, truncationPsi: 0.5, truncationCutoff: 2), "ws psi 0.5 cutoff 2", bound);
    }

    /// <summary>Every layer the reference ran at a lod (as our callback names them: "b8.conv0", "b16.torgb"), and the image.</summary>
    [SkippableFact]
    public void LayerOutputsAndImageMatchReferenceAtEachLod()
    {
        using var _ = no_grad();
        var ws = GivenWs ?? Network.Mapping.forward(Ref("in.z"), null);
        var bound = Float32Bound(SynthesisDepth + (GivenWs is null ? MappingDepth : 0));
        foreach (var (lod, key) in StyleGan1Lods.Of(Reference))
        {
            Network.Synthesis.Lod = lod;
            var seen = new Dictionary<string, Tensor>();
            var img = Network.Synthesis.forward(ws, NoiseMode.Const, observe: (name, output) => seen[name] = output.detach().clone().DetachFromDisposeScope());
            // In the order the reference ran them, so that a failure names the first layer that differs.
            var layers = ReferenceData.WithPrefix(Reference, $"out.{key}").Where(kv => kv.Key is not ("img" or "loss")).ToList();
            Assert.NotEmpty(layers);
            foreach (var (name, expected) in layers)
            {
                Assert.True(seen.ContainsKey(name), $"lod {lod}: the reference ran {name}, ours did not.");
                Close.Assert(expected, seen[name], $"lod {lod} {name}", bound);
            }
            Close.Assert(Ref($"out.{key}img"), img, $"lod {lod} image", bound);
        }
    }

    /// <remarks>
    /// The loss is sum(G(z) * probe) (no truncation, const noise). In float64 against the reference's float64 gradients
    /// to 1e-9; in float32 to the rounding of the way forward and back, the longest sum being a weight gradient's over
    /// the batch and the image's pixels.
    /// </remarks>
    [SkippableTheory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void ParameterGradientsMatchReferenceAtEachLod(ScalarType dtype)
    {
        int depth = MappingDepth + SynthesisDepth;
        long pixels = Ref("in.z").shape[0] * Network.Config.ImgResolution * Network.Config.ImgResolution;
        var float32Gradients = Float32Rounding.Bound(Math.Max(Float32Rounding.LongestReduction(Network), pixels), 2 * depth);
        var (prefix, tolerance) = GradientReference.For(Reference, dtype, float32Gradients);
        foreach (var (lod, key) in StyleGan1Lods.Of(Reference))
        {
            using var network = reference.Build();
            network.to(dtype);
            network.Synthesis.Lod = lod;
            var ws = network.Mapping.forward(Ref("in.z").to(dtype), null);
            var loss = (network.Synthesis.forward(ws, NoiseMode.Const) * Ref("in.grad_probe").to(dtype)).sum();
            loss.backward();
            // out.loss is float32: in either dtype, what differs is float32 rounding on the way forward.
            Close.Assert(Ref($"out.{key}loss").reshape(Array.Empty<long>()), loss, $"lod {lod} loss", Float32Bound(depth));
            StyleGan1Lods.AssertGradients(ReferenceData.WithPrefix(Reference, prefix + key), network, $"lod {lod} {prefix}", tolerance);
        }
    }
}

/// <summary>
/// Our 2019 discriminator against a reference file made by genforce's port of NVIDIA's StyleGAN / Progressive GAN
/// (tests/fixtures/reference-sg1): at each of the file's lods, the logits and every gradient. Every size and setting
/// comes from the file.
/// </summary>
public abstract class StyleGan1DiscriminatorReferenceTests(ReferenceSet set, string preset) : IDisposable
{
    // The file holds every learned tensor and the lod, not our fixed resampling filters: NVIDIA's networks have
    // no such variables (checked by LoadsEveryLearnedTensorUnderOurName).
    readonly ReferenceNetwork<Discriminator> reference = ReferenceNetworks.Discriminator(set, $"{preset}-discriminator", strict: false);

    SafetensorsFile Reference => reference.File;

    Discriminator Network => reference.Network;

    public void Dispose() => reference.Dispose();

    Tensor Ref(string name) => Reference[name];

    // Float32 bounds from the file's sizes (Float32Rounding). From the image to the logits a value passes fromRGB, two
    // convolutions in each block (from the image's resolution to 8x8), the epilogue's convolution, fc and out. The
    // widest sum is the epilogue's fc, over 4x4 pixels of its channels.
    int Depth => 1 + 2 * (BitOperations.Log2((uint)Network.Config.ImgResolution) - 2) + 3;
    double Float32Bound => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), Depth);

    [SkippableFact]
    public void LoadsEveryLearnedTensorUnderOurName()
    {
        var report = StateDict.Load(Network, Reference.Tensors, prefix: "param.", strict: false);
        Assert.Empty(report.Unexpected);
        Assert.All(report.Missing, name => Assert.EndsWith(".resample_filter", name));
    }

    /// <summary>The file's network is what our preset builds at the file's size, so the reference covers the preset.</summary>
    [SkippableFact]
    public void ConfigIsThePresetsAtTheFilesSize()
    {
        var config = Network.Config;
        var options = Presets.Get(preset, config.ImgResolution) with
        {
            ChannelBase = config.ChannelBase, ChannelMax = config.ChannelMax, MbstdGroup = config.EpilogueKwargs.MbstdGroupSize ?? 0,
        };
        var (_, expected) = TrainingRunState.NetworkConfigs(options, config.ImgResolution, config.ImgChannels, config.CDim);
        Assert.Equal(expected.ToJson(), config.ToJson());
    }

    [SkippableFact]
    public void LogitsMatchReferenceAtEachLod()
    {
        using var _ = no_grad();
        foreach (var (lod, key) in StyleGan1Lods.Of(Reference))
        {
            Network.Lod = lod;
            Close.Assert(Ref($"out.{key}logits"), Network.forward(Ref("in.img"), null), $"lod {lod} logits", Float32Bound);
        }
    }

    /// <remarks>The loss is sum(D(img)); in float64 and float32 as the generator's gradient test, the longest float32 sum
    /// again a weight gradient's over the batch and the image's pixels.</remarks>
    [SkippableTheory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void ParameterAndImageGradientsMatchReferenceAtEachLod(ScalarType dtype)
    {
        long pixels = Ref("in.img").shape[0] * Network.Config.ImgResolution * Network.Config.ImgResolution;
        var float32Gradients = Float32Rounding.Bound(Math.Max(Float32Rounding.LongestReduction(Network), pixels), 2 * Depth);
        var (prefix, tolerance) = GradientReference.For(Reference, dtype, float32Gradients);
        foreach (var (lod, key) in StyleGan1Lods.Of(Reference))
        {
            using var network = reference.Build();
            network.to(dtype);
            network.Lod = lod;
            var img = Ref("in.img").to(dtype).detach().requires_grad_(true);
            var loss = network.forward(img, null).sum();
            loss.backward();
            // out.loss is float32: in either dtype, what differs is float32 rounding on the way forward.
            Close.Assert(Ref($"out.{key}loss").reshape(Array.Empty<long>()), loss, $"lod {lod} loss", Float32Bound);
            var expected = ReferenceData.WithPrefix(Reference, prefix + key);
            Close.Assert(expected["in.img"], img.grad!, $"lod {lod} {prefix}in.img", tolerance);
            expected.Remove("in.img");
            StyleGan1Lods.AssertGradients(expected, network, $"lod {lod} {prefix}", tolerance);
        }
    }
}
