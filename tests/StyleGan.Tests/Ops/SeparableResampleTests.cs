using StyleGan.Augment;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Tests.Ops;

public sealed class SeparableResampleTests
{
    static readonly float[] Sym6 = Wavelets.Sym6.Select(v => (float)v).ToArray();

    [Theory]
    [InlineData(9, 13)]
    [InlineData(20, 20)]
    public void UpAndDownSamplingEqualUpfirdn2dWithTheSameSeparableFilter(int height, int width)
    {
        var filter = Upfirdn2d.SetupFilter(Sym6);
        var taps = filter.data<float>().ToArray();
        var x = randn(new long[] { 2, 3, height, width }, generator: new TorchSharp.torch.Generator(4));
        Close.Assert(Upfirdn2d.Upsample2d(x, filter, up: 2), SeparableResample.Upsample2d(x, taps, up: 2), "upsample", tolerance: 1e-6);
        Close.Assert(Upfirdn2d.Downsample2d(x, filter, down: 2, padding: new Padding(-3, -3, -3, -3), flipFilter: true),
            SeparableResample.Downsample2d(x, taps, down: 2, padding: -3, flipFilter: true), "downsample", tolerance: 1e-6);
        Close.Assert(Upfirdn2d.Downsample2d(x, filter, down: 2), SeparableResample.Downsample2d(x, taps, down: 2), "downsample unpadded", tolerance: 1e-6);
    }
}
