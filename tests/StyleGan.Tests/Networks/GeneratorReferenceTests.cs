using TorchSharp;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Serialization;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Networks;

public sealed class GeneratorInRepositoryReferenceTests() : GeneratorReferenceTests(ReferenceSet.InRepository);
public sealed class GeneratorConditional64ReferenceTests() : GeneratorReferenceTests(ReferenceSet.Conditional64);
public sealed class GeneratorSharedReferenceTests() : GeneratorReferenceTests(ReferenceSet.Shared);
public sealed class GeneratorEnvironmentReferenceTests() : GeneratorReferenceTests(ReferenceSet.FromEnvironment);

/// <summary>Our generator against a reference set; every size comes from the set's config.</summary>
public abstract class GeneratorReferenceTests(ReferenceSet set) : IDisposable
{
    readonly ReferenceNetwork<Generator> reference = ReferenceNetworks.Generator(set, "generator");

    SafetensorsFile Reference => reference.File;

    Generator Network => reference.Network;

    public void Dispose() => reference.Dispose();

    Tensor Ref(string name) => Reference[name];
    Tensor? Labels => Reference.Tensors.GetValueOrDefault("in.c");

    // Float32 bounds from the set's sizes (Float32Rounding). From the latents, a value passes the label embedding (if
    // any) and the mapping's layers to w, then an affine and the synthesis layers (num_ws: the convolutions and the
    // last toRGB) to the image. The widest sum is a 3x3 convolution's at 4x4, which has the most channels.
    int MappingDepth => (Network.Config.CDim > 0 ? 1 : 0) + Network.Config.MappingKwargs.NumLayers;
    int SynthesisDepth => 1 + Network.NumWs;
    double MappingBound => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network.Mapping), MappingDepth);
    double Float32Bound(int depth) => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), depth);

    [SkippableFact]
    public void LoadsEveryTensorUnderItsOfficialName()
    {
        var report = StateDict.Load(Network, Reference.Tensors, prefix: "param.", strict: false);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(int.Parse(Reference.Metadata["num_ws"]), Network.NumWs);
    }

    [SkippableFact]
    public void MappingMatchesReference()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.ws"), Network.Mapping.forward(Ref("in.z"), Labels), "mapping ws", MappingBound);
    }

    [SkippableFact]
    public void TruncationMatchesReference()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.ws_psi0.7"), Network.Mapping.forward(Ref("in.z"), Labels, truncationPsi: 0.7), "ws psi 0.7", MappingBound);
        Close.Assert(Ref("out.ws_psi0.5_cutoff2"), Network.Mapping.forward(Ref("in.z"), Labels, truncationPsi: 0.5, truncationCutoff: 2),
            "ws psi 0.5 cutoff 2", MappingBound);
    }

    [SkippableTheory]
    [InlineData("out.img_const", NoiseMode.Const, true)]
    [InlineData("out.img_none", NoiseMode.None, true)]
    [InlineData("out.img_const_unfused", NoiseMode.Const, false)]
    public void SynthesisMatchesReference(string name, NoiseMode noiseMode, bool fused)
    {
        using var _ = no_grad();
        var img = Network.Synthesis.forward(Ref("out.ws"), noiseMode, fused);
        Close.Assert(Ref(name), img, name, Float32Bound(SynthesisDepth));
    }

    [SkippableFact]
    public void SynthesisOfIndependentWsPerLayerMatchesReference()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.img_ws_random"), Network.Synthesis.forward(Ref("in.ws_random"), NoiseMode.Const), "img_ws_random", Float32Bound(SynthesisDepth));
    }

    [SkippableFact]
    public void GeneratorForwardEqualsMappingThenSynthesis()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.img_const"), Network.forward(Ref("in.z"), Labels, noiseMode: NoiseMode.Const), "G(z)", Float32Bound(MappingDepth + SynthesisDepth));
    }

    /// <remarks>
    /// In float64 against <c>grad64.*</c>, the official gradients computed in float64, to 1e-9: a gradient is a sum
    /// over whole images, and a small one built from large cancelling terms (a noise strength) carries ~2e-4 of float32
    /// rounding in any implementation, so only float64 can be compared exactly. A set without <c>grad64.*</c> is
    /// compared with its float32 gradients to 1e-4. Training computes in float32, so float32 is checked too, to the
    /// rounding of the way forward and back (<see cref="Float32Rounding"/>), the longest sum being a weight
    /// gradient's over the batch and the image's pixels: that catches kernels that are wrong (libtorch's oneDNN on
    /// some CPUs, see ConvolutionCheck).
    /// </remarks>
    [SkippableTheory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void ParameterGradientsMatchReference(ScalarType dtype)
    {
        int depth = MappingDepth + SynthesisDepth;
        long pixels = Ref("in.z").shape[0] * Network.Config.ImgResolution * Network.Config.ImgResolution;
        var float32Gradients = Float32Rounding.Bound(Math.Max(Float32Rounding.LongestReduction(Network), pixels), 2 * depth);
        var (prefix, tolerance) = GradientReference.For(Reference, dtype, float32Gradients);
        Network.to(dtype);
        // Eval mode, as the reference was made: the fused modconv path.
        var ws = Network.Mapping.forward(Ref("in.z").to(dtype), Labels?.to(dtype));
        var loss = (Network.Synthesis.forward(ws, NoiseMode.Const) * Ref("in.grad_probe").to(dtype)).sum();
        loss.backward();
        // out.loss is float32: in either dtype, what differs is float32 rounding on the way forward.
        Close.Assert(Ref("out.loss").reshape(Array.Empty<long>()), loss, "loss", Float32Bound(depth));

        var parameters = Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = ReferenceData.WithPrefix(Reference, prefix);
        Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
        foreach (var (name, grad) in expected)
            Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient"), $"{prefix}{name}", tolerance);
    }
}
