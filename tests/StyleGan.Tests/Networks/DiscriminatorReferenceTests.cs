using TorchSharp;
using StyleGan.Networks;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

public sealed class DiscriminatorReferenceTests : IDisposable
{
    readonly SafetensorsFile reference = ReferenceData.Load("discriminator");
    readonly Discriminator discriminator;

    public DiscriminatorReferenceTests()
    {
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
