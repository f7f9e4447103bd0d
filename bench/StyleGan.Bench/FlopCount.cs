using StyleGan.Configs;

namespace StyleGan.Bench;

/// <summary>
/// Analytic multiply-add count (x2 = FLOPs) of one image through the networks: convolutions, FIR filters and fully
/// connected layers, which are nearly all of the work. Backward is counted as twice the forward.
/// </summary>
public static class FlopCount
{
    const double FilterTaps = 16; // the 4x4 resampling filter

    public static double GeneratorForward(GeneratorConfig g)
    {
        double flops = 0;
        var mapping = g.MappingKwargs;
        int hidden = mapping.LayerFeatures ?? g.WDim;
        for (int i = 0; i < mapping.NumLayers; i++)
            flops += 2.0 * (i == 0 ? g.ZDim : hidden) * (i == mapping.NumLayers - 1 ? g.WDim : hidden);

        var s = g.SynthesisKwargs;
        int Channels(int res) => ChannelRule.Channels(s.ChannelBase, s.ChannelMax, res);
        for (int res = 4; res <= g.ImgResolution; res *= 2)
        {
            int outC = Channels(res);
            double pixels = (double)res * res;
            if (res > 4)
            {
                int inC = Channels(res / 2);
                flops += 2.0 * g.WDim * inC;                                   // affine
                flops += 2.0 * inC * outC * 9 * (pixels / 4);                  // transposed conv at input resolution
                flops += 2.0 * FilterTaps * outC * pixels;                     // FIR filter after upsampling
                if (s.Architecture == Architecture.Skip) flops += 2.0 * FilterTaps * g.ImgChannels * pixels; // image upsampling
            }
            flops += 2.0 * g.WDim * outC + 2.0 * outC * outC * 9 * pixels;    // conv1
            if (s.Architecture == Architecture.Skip || res == g.ImgResolution)
                flops += 2.0 * g.WDim * outC + 2.0 * outC * g.ImgChannels * pixels; // toRGB
        }
        return flops;
    }

    public static double DiscriminatorForward(DiscriminatorConfig d)
    {
        double flops = 0;
        int Channels(int res) => ChannelRule.Channels(d.ChannelBase, d.ChannelMax, res);
        for (int res = d.ImgResolution; res > 4; res /= 2)
        {
            int tmp = Channels(res), outC = Channels(res / 2);
            double pixels = (double)res * res;
            if (res == d.ImgResolution || d.Architecture == Architecture.Skip) flops += 2.0 * d.ImgChannels * tmp * pixels; // fromRGB
            flops += 2.0 * tmp * tmp * 9 * pixels;                              // conv0
            flops += 2.0 * FilterTaps * tmp * pixels + 2.0 * tmp * outC * 9 * (pixels / 4); // conv1: filter, strided conv
            if (d.Architecture == Architecture.Resnet)
                flops += 2.0 * FilterTaps * tmp * pixels + 2.0 * tmp * outC * (pixels / 4); // skip
        }
        int c4 = Channels(4);
        flops += 2.0 * (c4 + d.EpilogueKwargs.MbstdNumChannels) * c4 * 9 * 16 + 2.0 * c4 * 16 * c4 + 2.0 * c4;
        return flops;
    }

    /// <summary>
    /// One training step per image, as the bench runs it: G phase = G forward + backward, D forward + input backward;
    /// D phase = G forward, D forward on fakes and reals, D backward on both.
    /// </summary>
    public static double TrainingStep(GeneratorConfig g, DiscriminatorConfig d)
    {
        double gf = GeneratorForward(g), df = DiscriminatorForward(d);
        return (3 * gf + 2 * df) + (gf + 2 * df + 2 * 2 * df);
    }
}
