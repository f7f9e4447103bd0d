using System.Numerics;
using TorchSharp;
using StyleGan.Formats;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

public sealed class DiscriminatorInRepositoryReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.InRepository);
public sealed class DiscriminatorConditional64ReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.Conditional64);
public sealed class DiscriminatorSharedReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.Shared);
public sealed class DiscriminatorEnvironmentReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.FromEnvironment);

/// <summary>Our discriminator against a reference set; every size comes from the set's config.</summary>
public abstract class DiscriminatorReferenceTests(ReferenceSet set) : IDisposable
{
    readonly ReferenceNetwork<Discriminator> reference = ReferenceNetworks.Discriminator(set, "discriminator");

    SafetensorsFile Reference => reference.File;

    Discriminator Network => reference.Network;

    public void Dispose() => reference.Dispose();

    Tensor Ref(string name) => Reference[name];
    Tensor? Labels => Reference.Tensors.GetValueOrDefault("in.c");

    // Float32 bounds from the set's sizes (Float32Rounding). From the image to the logits a value passes fromRGB, two
    // convolutions in each block (from the image's resolution to 8x8), the epilogue's convolution, fc and out, and
    // with labels the projection onto their mapping. The widest sum is the epilogue's fc, over 4x4 pixels of its channels.
    int Depth => 1 + 2 * (BitOperations.Log2((uint)Network.Config.ImgResolution) - 2) + 3 + (Network.Config.CDim > 0 ? 1 : 0);
    double Float32Bound => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), Depth);

    [SkippableFact]
    public void LoadsEveryTensorUnderItsOfficialName()
    {
        var report = StateDict.Load(Network, Reference.Tensors, prefix: "param.", strict: false);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
    }

    [SkippableFact]
    public void LogitsMatchReference()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.logits"), Network.forward(Ref("in.img"), Labels), "logits", Float32Bound);
    }

    /// <remarks>In float64 and float32, for the reasons given on the generator's gradient test; in float32 the longest
    /// sum is again a weight gradient's over the batch and the image's pixels.</remarks>
    [SkippableTheory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void ParameterAndImageGradientsMatchReference(ScalarType dtype)
    {
        long pixels = Ref("in.img").shape[0] * Network.Config.ImgResolution * Network.Config.ImgResolution;
        var float32Gradients = Float32Rounding.Bound(Math.Max(Float32Rounding.LongestReduction(Network), pixels), 2 * Depth);
        var (prefix, tolerance) = GradientReference.For(Reference, dtype, float32Gradients);
        Network.to(dtype);
        var img = Ref("in.img").to(dtype).detach().requires_grad_(true);
        var loss = Network.forward(img, Labels?.to(dtype)).sum();
        loss.backward();
        // out.loss is float32: in either dtype, what differs is float32 rounding on the way forward.
        Close.Assert(Ref("out.loss").reshape(Array.Empty<long>()), loss, "loss", Float32Bound);
        Close.Assert(Ref(prefix + "in.img"), img.grad!, prefix + "in.img", tolerance);

        var parameters = Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = ReferenceData.WithPrefix(Reference, prefix).Where(kv => kv.Key != "in.img").ToDictionary();
        Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
        foreach (var (name, grad) in expected)
            Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient"), $"{prefix}{name}", tolerance);
    }
}
