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

    /// <remarks>In float64 and float32, for the reasons given on the generator's gradient test.</remarks>
    [Theory]
    [InlineData(ScalarType.Float64, 1e-4)]
    [InlineData(ScalarType.Float32, 1e-3)]
    public void ParameterAndImageGradientsMatchReference(ScalarType dtype, double tolerance)
    {
        discriminator.to(dtype);
        var img = Ref("in.img").to(dtype).detach().requires_grad_(true);
        var loss = discriminator.forward(img, Labels?.to(dtype)).sum();
        loss.backward();
        Close.Assert(Ref("out.loss").reshape(Array.Empty<long>()), loss, "loss", tolerance);
        Close.Assert(Ref("grad.in.img"), img.grad!, "grad in.img", tolerance);

        var parameters = discriminator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = ReferenceData.WithPrefix(reference, "grad.").Where(kv => kv.Key != "in.img").ToDictionary();
        Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
        foreach (var (name, grad) in expected)
            Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient"), $"grad {name}", tolerance);
    }
}
