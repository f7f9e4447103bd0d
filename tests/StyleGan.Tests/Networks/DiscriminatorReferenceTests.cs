using TorchSharp;
using StyleGan.Networks;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

/// <summary>The official reference set of ../shared/reference (or STYLEGAN_REFERENCE_DIR).</summary>
public sealed class DiscriminatorSharedReferenceTests() : DiscriminatorReferenceTests(ReferenceData.Directory);

/// <summary>A conditional 64x64 set with three mapping layers, made by the official code (tests/fixtures).</summary>
public sealed class DiscriminatorConditional64ReferenceTests() : DiscriminatorReferenceTests(ReferenceData.Fixture("reference-conditional64"));

/// <summary>Our discriminator against a reference set; every size comes from the set's config.</summary>
public abstract class DiscriminatorReferenceTests : IDisposable
{
    readonly SafetensorsFile reference;
    readonly Discriminator discriminator;

    protected DiscriminatorReferenceTests(string directory)
    {
        reference = ReferenceData.Load(directory, "discriminator");
        discriminator = new Discriminator(DiscriminatorConfig.FromJson(reference.Metadata["config"]));
        StateDict.Load(discriminator, reference.Tensors, prefix: "param.");
    }

    public void Dispose()
    {
        discriminator.Dispose();
        reference.Dispose();
    }

    Tensor Ref(string name) => reference[name];
    Tensor? Labels => reference.Tensors.GetValueOrDefault("in.c");

    [Fact]
    public void LoadsEveryTensorUnderItsOfficialName()
    {
        var report = StateDict.Load(discriminator, reference.Tensors, prefix: "param.", strict: false);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
    }

    [Fact]
    public void LogitsMatchReference()
    {
        using var _ = no_grad();
        Close.Assert(Ref("out.logits"), discriminator.forward(Ref("in.img"), Labels), "logits");
    }

    /// <remarks>In float64, for the reason given on the generator's gradient test.</remarks>
    [Fact]
    public void ParameterAndImageGradientsMatchReference()
    {
        discriminator.to(float64);
        var img = Ref("in.img").to(float64).detach().requires_grad_(true);
        var loss = discriminator.forward(img, Labels?.to(float64)).sum();
        loss.backward();
        Close.Assert(Ref("out.loss").reshape(Array.Empty<long>()), loss, "loss");
        Close.Assert(Ref("grad.in.img"), img.grad!, "grad in.img");

        var parameters = discriminator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = ReferenceData.WithPrefix(reference, "grad.").Where(kv => kv.Key != "in.img").ToDictionary();
        Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
        foreach (var (name, grad) in expected)
            Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient"), $"grad {name}");
    }
}
