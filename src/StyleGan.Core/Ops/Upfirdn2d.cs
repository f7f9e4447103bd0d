using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// FIR resampling of images: upsample by zero insertion, pad, convolve with a 2D (or separable 1D) filter,
/// downsample by dropping pixels. The reference path of StyleGAN2-ADA's torch_utils/ops/upfirdn2d.py.
/// </summary>
public static class Upfirdn2d
{
    /// <summary>The filter StyleGAN uses for every resampling: [1,3,3,1].</summary>
    public static readonly float[] DefaultTaps = { 1, 3, 3, 1 };

    /// <summary>
    /// Builds a normalized filter tensor from taps: the outer product for short 1D filters (the official rule:
    /// separable only from 8 taps on), so [1,3,3,1] becomes the 4x4 filter summing to 1.
    /// </summary>
    public static Tensor SetupFilter(float[]? taps = null, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var f = tensor(taps ?? DefaultTaps, dtype: float32);
        if (f.numel() < 8) f = outer(f, f);
        f = f / f.sum();
        return f.to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Width and height of a filter (1 for no filter).</summary>
    public static (int Width, int Height) FilterSize(Tensor? f) =>
        f is null ? (1, 1) : ((int)f.shape[^1], (int)f.shape[0]);

    /// <summary>Upsample, pad/crop, filter, downsample. <paramref name="f"/> is 2D [fh, fw] or separable 1D [fw].</summary>
    public static Tensor Apply(Tensor x, Tensor f, int up = 1, int down = 1, Padding padding = default, bool flipFilter = false, double gain = 1) =>
        Intermediates.Keep(() =>
        {
            ConvolutionCheck.Ensure();
            long batch = x.shape[0], channels = x.shape[1], height = x.shape[2], width = x.shape[3];

            if (up > 1)
            {
                x = x.reshape(batch, channels, height, 1, width, 1);
                x = nn.functional.pad(x, new long[] { 0, up - 1, 0, 0, 0, up - 1 });
                x = x.reshape(batch, channels, height * up, width * up);
            }

            // Symmetric zero padding is left to the convolution, which pads without a padded copy of the image.
            bool convolutionPads = padding.X0 == padding.X1 && padding.Y0 == padding.Y1 && padding.X0 >= 0 && padding.Y0 >= 0;
            if (!convolutionPads)
            {
                x = nn.functional.pad(x, new long[] { Math.Max(padding.X0, 0), Math.Max(padding.X1, 0), Math.Max(padding.Y0, 0), Math.Max(padding.Y1, 0) });
                int cropTop = Math.Max(-padding.Y0, 0), cropBottom = Math.Max(-padding.Y1, 0);
                int cropLeft = Math.Max(-padding.X0, 0), cropRight = Math.Max(-padding.X1, 0);
                x = x.narrow(2, cropTop, x.shape[2] - cropTop - cropBottom).narrow(3, cropLeft, x.shape[3] - cropLeft - cropRight);
            }
            long padY = convolutionPads ? padding.Y0 : 0, padX = convolutionPads ? padding.X0 : 0;

            f = f.to(x.dtype) * Math.Pow(gain, f.ndim / 2.0);
            if (!flipFilter) f = f.flip(Enumerable.Range(0, (int)f.ndim).Select(i => (long)i).ToArray());
            if (f.ndim == 2)
            {
                var weight = f.reshape(1, 1, f.shape[0], f.shape[1]).repeat(channels, 1, 1, 1);
                x = nn.functional.conv2d(x, weight, padding: new[] { padY, padX }, groups: channels);
            }
            else
            {
                var taps = f.shape[0];
                x = nn.functional.conv2d(x, f.reshape(1, 1, 1, taps).repeat(channels, 1, 1, 1), padding: new[] { 0, padX }, groups: channels);
                x = nn.functional.conv2d(x, f.reshape(1, 1, taps, 1).repeat(channels, 1, 1, 1), padding: new[] { padY, 0 }, groups: channels);
            }

            if (down > 1)
                x = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, down), TensorIndex.Slice(null, null, down)];
            return x;
        });

    /// <summary>2x (or <paramref name="up"/>x) upsampling that keeps the image centred; gain up^2 keeps the mean.</summary>
    public static Tensor Upsample2d(Tensor x, Tensor f, int up = 2, Padding padding = default, bool flipFilter = false, double gain = 1)
    {
        var (fw, fh) = FilterSize(f);
        var p = padding + new Padding((fw + up - 1) / 2, (fw - up) / 2, (fh + up - 1) / 2, (fh - up) / 2);
        return Apply(x, f, up: up, padding: p, flipFilter: flipFilter, gain: gain * up * up);
    }

    /// <summary>2x (or <paramref name="down"/>x) downsampling that keeps the image centred.</summary>
    public static Tensor Downsample2d(Tensor x, Tensor f, int down = 2, Padding padding = default, bool flipFilter = false, double gain = 1)
    {
        var (fw, fh) = FilterSize(f);
        var p = padding + new Padding((fw - down + 1) / 2, (fw - down) / 2, (fh - down + 1) / 2, (fh - down) / 2);
        return Apply(x, f, down: down, padding: p, flipFilter: flipFilter, gain: gain);
    }

    /// <summary>Filtering at the same resolution.</summary>
    public static Tensor Filter2d(Tensor x, Tensor f, Padding padding = default, bool flipFilter = false, double gain = 1)
    {
        var (fw, fh) = FilterSize(f);
        var p = padding + new Padding(fw / 2, (fw - 1) / 2, fh / 2, (fh - 1) / 2);
        return Apply(x, f, padding: p, flipFilter: flipFilter, gain: gain);
    }
}
