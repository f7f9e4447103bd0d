using TorchSharp;
using StyleGan.Networks;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

public sealed class DiscriminatorInRepositoryReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.InRepository);
public sealed class DiscriminatorConditional64ReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.Conditional64);
public sealed class DiscriminatorSharedReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.Shared);
public sealed class DiscriminatorEnvironmentReferenceTests() : DiscriminatorReferenceTests(ReferenceSet.FromEnvironment);

/// <summary>Our discriminator against a reference set; every size comes from the set's config.</summary>
public abstract class DiscriminatorReferenceTests(ReferenceSet set) : IDisposable
{
    SafetensorsFile? reference;
    Discriminator? discriminator;

    // Opened on first use, so that a test of an absent extra set is skipped rather than failed.
    SafetensorsFile Reference => reference ??= set.Load("discriminator");

    Discriminator Network
    {
        get
        {
            if (discriminator is not null) return discriminator;
            discriminator = new Discriminator(DiscriminatorConfig.FromJson(Reference.Metadata["config"], set.Name));
            StateDict.Load(discriminator, Reference.Tensors, prefix: "param.");
            return discriminator;
        }
    }

    public void Dispose()
    {
        discriminator?.Dispose();
        reference?.Dispose();
    }

    Tensor Ref(string name) => Reference[name];
    Tensor? Labels => Reference.Tensors.GetValueOrDefault("in.c");

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
        Close.Assert(Ref("out.logits"), Network.forward(Ref("in.img"), Labels), "logits");
    }

    /// <remarks>In float64 and float32, for the reasons given on the generator's gradient test.</remarks>
    [SkippableTheory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void ParameterAndImageGradientsMatchReference(ScalarType dtype)
    {
        var (prefix, tolerance) = GradientReference.For(Reference, dtype);
        Network.to(dtype);
        var img = Ref("in.img").to(dtype).detach().requires_grad_(true);
        var loss = Network.forward(img, Labels?.to(dtype)).sum();
        loss.backward();
        Close.Assert(Ref("out.loss").reshape(Array.Empty<long>()), loss, "loss", GradientReference.Float32Tolerance);
        Close.Assert(Ref(prefix + "in.img"), img.grad!, prefix + "in.img", tolerance);

        var parameters = Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = ReferenceData.WithPrefix(Reference, prefix).Where(kv => kv.Key != "in.img").ToDictionary();
        Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
        foreach (var (name, grad) in expected)
            Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient"), $"{prefix}{name}", tolerance);
    }
}
