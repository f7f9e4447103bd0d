using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>The normalizations of the networks: pixel norm (latents, Progressive GAN's features), instance norm and AdaIN (StyleGAN 2019).</summary>
public static class Normalization
{
    /// <summary>Pixel norm: scales each vector along <paramref name="dim"/> to unit root-mean-square.</summary>
    public static Tensor NormalizeSecondMoment(Tensor x, long dim = 1, double eps = 1e-8) =>
        x * (x.square().mean(new[] { dim }, keepdim: true) + eps).rsqrt();

    /// <summary>Instance norm of features [N, C, H, W]: each map to zero mean and unit root-mean-square over its pixels, as networks_stylegan.py does.</summary>
    public static Tensor InstanceNorm(Tensor x, double eps = 1e-8)
    {
        x = x - x.mean(new long[] { 2, 3 }, keepdim: true);
        return x * (x.square().mean(new long[] { 2, 3 }, keepdim: true) + eps).rsqrt();
    }

    /// <summary>
    /// AdaIN's style modulation of instance-normalized features [N, C, H, W]: x * (y_s + 1) + y_b, with the styles
    /// [N, 2C] holding y_s then y_b (the +1 is the original's: a style of 0 keeps the scale at 1).
    /// </summary>
    public static Tensor StyleModulate(Tensor x, Tensor styles)
    {
        var parts = styles.reshape(styles.shape[0], 2, x.shape[1], 1, 1);
        return x * (parts.select(1, 0) + 1) + parts.select(1, 1);
    }
}
