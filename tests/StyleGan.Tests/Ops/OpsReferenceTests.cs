using StyleGan.Formats;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Tests.Ops;

public sealed class OpsInRepositoryReferenceTests() : OpsReferenceTests(ReferenceSet.InRepository);
public sealed class OpsSharedReferenceTests() : OpsReferenceTests(ReferenceSet.Shared);
public sealed class OpsEnvironmentReferenceTests() : OpsReferenceTests(ReferenceSet.FromEnvironment);

/// <summary>Our ops against a reference set's ops.safetensors.</summary>
public abstract class OpsReferenceTests(ReferenceSet set) : IDisposable
{
    SafetensorsFile? reference;

    // Opened on first use, so that a test of an absent extra set is skipped rather than failed.
    Tensor Ref(string name) => (reference ??= set.Load("ops"))[name];

    public void Dispose() => reference?.Dispose();

    // Float32 bounds (Float32Rounding) where an op sums products: the FIR filters (the 4x4 filter's, once) and the
    // modulated convolution. bias_act, the pixel norm and minibatch stddev sum nothing but means, which libtorch sums
    // pairwise: a few roundings of 6e-8 (measured: 2e-8 at most), so they keep Close's default tolerance.
    double FilterBound => Float32Rounding.Bound(Ref("resample_filter").numel(), 1);

    // Exact in both (the taps are k/64): any tolerance would do.
    [SkippableFact]
    public void ResampleFilterIsTheNormalizedOuterProductOf1331() =>
        Close.Assert(Ref("resample_filter"), Upfirdn2d.SetupFilter(), "resample_filter");

    [SkippableFact]
    public void Upsample2dMatchesReference() =>
        Close.Assert(Ref("upsample2d.y"), Upfirdn2d.Upsample2d(Ref("upsample2d.x"), Ref("resample_filter")), "upsample2d", FilterBound);

    [SkippableFact]
    public void Downsample2dMatchesReference() =>
        Close.Assert(Ref("downsample2d.y"), Upfirdn2d.Downsample2d(Ref("downsample2d.x"), Ref("resample_filter")), "downsample2d", FilterBound);

    [SkippableFact]
    public void Filter2dMatchesReference() =>
        Close.Assert(Ref("filter2d.y"), Upfirdn2d.Filter2d(Ref("filter2d.x"), Ref("resample_filter")), "filter2d", FilterBound);

    [SkippableFact]
    public void BiasActLreluMatchesReference() =>
        Close.Assert(Ref("bias_act.lrelu"), BiasAct.Apply(Ref("bias_act.x"), Ref("bias_act.b"), act: Activation.Lrelu), "bias_act lrelu");

    [SkippableFact]
    public void BiasActLreluClampMatchesReference() =>
        Close.Assert(Ref("bias_act.lrelu_clamp256"), BiasAct.Apply(Ref("bias_act.x"), Ref("bias_act.b"), act: Activation.Lrelu, clamp: 256),
            "bias_act lrelu clamp 256");

    [SkippableFact]
    public void NormalizeSecondMomentMatchesReference() =>
        Close.Assert(Ref("normalize_2nd_moment.y"), Normalization.NormalizeSecondMoment(Ref("normalize_2nd_moment.x")), "normalize_2nd_moment");

    [SkippableTheory]
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
        // One convolution sums over in_channels x 3x3 (the demodulation's norm aside); with up-sampling, the FIR filter follows.
        Close.Assert(Ref(name), y, name, Float32Rounding.Bound(Ref("modconv.weight")[0].numel(), up == 2 ? 2 : 1));
    }

    [SkippableTheory]
    [InlineData("mbstd.g4c1", 4, 1)]
    [InlineData("mbstd.g2c2", 2, 2)]
    public void MinibatchStdMatchesReference(string name, int groupSize, int channels)
    {
        using var layer = new MinibatchStdLayer(groupSize, channels);
        Close.Assert(Ref(name), layer.forward(Ref("mbstd.x")), name);
    }
}
