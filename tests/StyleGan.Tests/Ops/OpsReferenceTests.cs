using StyleGan.Layers;
using StyleGan.Ops;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Ops;

public sealed class OpsReferenceTests : IDisposable
{
    readonly SafetensorsFile reference = ReferenceData.Load("ops");
    Tensor Ref(string name) => reference[name];

    public void Dispose() => reference.Dispose();

    [Fact]
    public void ResampleFilterIsTheNormalizedOuterProductOf1331() =>
        Close.Assert(Ref("resample_filter"), Upfirdn2d.SetupFilter(), "resample_filter");

    [Fact]
    public void Upsample2dMatchesReference() =>
        Close.Assert(Ref("upsample2d.y"), Upfirdn2d.Upsample2d(Ref("upsample2d.x"), Ref("resample_filter")), "upsample2d");

    [Fact]
    public void Downsample2dMatchesReference() =>
        Close.Assert(Ref("downsample2d.y"), Upfirdn2d.Downsample2d(Ref("downsample2d.x"), Ref("resample_filter")), "downsample2d");

    [Fact]
    public void Filter2dMatchesReference() =>
        Close.Assert(Ref("filter2d.y"), Upfirdn2d.Filter2d(Ref("filter2d.x"), Ref("resample_filter")), "filter2d");

    [Fact]
    public void BiasActLreluMatchesReference() =>
        Close.Assert(Ref("bias_act.lrelu"), BiasAct.Apply(Ref("bias_act.x"), Ref("bias_act.b"), act: Activation.Lrelu), "bias_act lrelu");

    [Fact]
    public void BiasActLreluClampMatchesReference() =>
        Close.Assert(Ref("bias_act.lrelu_clamp256"), BiasAct.Apply(Ref("bias_act.x"), Ref("bias_act.b"), act: Activation.Lrelu, clamp: 256),
            "bias_act lrelu clamp 256");

    [Fact]
    public void NormalizeSecondMomentMatchesReference() =>
        Close.Assert(Ref("normalize_2nd_moment.y"), Normalization.NormalizeSecondMoment(Ref("normalize_2nd_moment.x")), "normalize_2nd_moment");

    [Theory]
    [InlineData(1, true, true)]
    [InlineData(1, true, false)]
    [InlineData(1, false, true)]
    [InlineData(1, false, false)]
    [InlineData(2, true, true)]
    [InlineData(2, true, false)]
    [InlineData(2, false, true)]
    [InlineData(2, false, false)]
    public void ModulatedConv2dMatchesReference(int up, bool demodulate, bool fused)
    {
        var name = $"modconv.up{up}.demod{(demodulate ? 1 : 0)}.fused{(fused ? 1 : 0)}";
        var y = ModulatedConv2d.Apply(Ref("modconv.x"), Ref("modconv.weight"), Ref("modconv.styles"), up: up, padding: 1,
            resampleFilter: Ref("resample_filter"), demodulate: demodulate, flipWeight: up == 1, fusedModconv: fused);
        Close.Assert(Ref(name), y, name);
    }

    [Theory]
    [InlineData("mbstd.g4c1", 4, 1)]
    [InlineData("mbstd.g2c2", 2, 2)]
    public void MinibatchStdMatchesReference(string name, int groupSize, int channels)
    {
        using var layer = new MinibatchStdLayer(groupSize, channels);
        Close.Assert(Ref(name), layer.forward(Ref("mbstd.x")), name);
    }
}
