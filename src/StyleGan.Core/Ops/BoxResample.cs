using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// The resampling of Progressive GAN and StyleGAN (2019): nearest-neighbour up-sampling, average-pool
/// down-sampling and the [1,2,1] blur that turns them into the 2019 paper's "bilinear" ones.
/// </summary>
public static class BoxResample
{
    static readonly float[] BlurTaps = { 1, 2, 1 };

    /// <summary>Each pixel repeated factor x factor times.</summary>
    public static Tensor UpscaleNearest(Tensor x, int factor = 2)
    {
        if (factor == 1) return x;
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        // A broadcast view reshaped, whose gradient is a sum (repeat_interleave's is an indexed scatter).
        return x.reshape(n, c, h, 1, w, 1).expand(n, c, h, factor, w, factor).reshape(n, c, h * factor, w * factor);
    }

    /// <summary>The mean of each factor x factor square.</summary>
    public static Tensor DownscaleAverage(Tensor x, int factor = 2) =>
        factor == 1 ? x : nn.functional.avg_pool2d(x, new long[] { factor, factor });

    /// <summary>The normalized [1,2,1] x [1,2,1] blur at the same size, zero-padded (networks_stylegan.py's blur2d).</summary>
    public static Tensor Blur(Tensor x)
    {
        using var filter = Upfirdn2d.SetupFilter(BlurTaps, x.device);
        return Upfirdn2d.Filter2d(x, filter);
    }
}
