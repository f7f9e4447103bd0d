using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// Upfirdn2d with a separable 1D filter, as two matrix products: along each axis, up-sampling, padding, filtering
/// and down-sampling together are one banded matrix, so an image is A_h^T X A_w. The same function as
/// <see cref="Upfirdn2d"/> (NVIDIA's upfirdn2d with a 1D filter); on the CPU the products are far faster than
/// libtorch's convolutions with long one-channel filters on large images (the augmentation's 12-tap wavelet at twice
/// the padded size took 90 ms forward and 420 ms with its gradient for 32 images of 94x94; the products take a few),
/// and they differentiate to any order.
/// </summary>
public static class SeparableResample
{
    /// <summary>2x (or <paramref name="up"/>x) up-sampling that keeps the image centred, as <see cref="Upfirdn2d.Upsample2d"/>.</summary>
    public static Tensor Upsample2d(Tensor x, float[] taps, int up = 2)
    {
        int k = taps.Length;
        return Apply(x, taps, up, 1, (k + up - 1) / 2, (k - up) / 2, flipFilter: false, gain: up * up);
    }

    /// <summary>2x (or <paramref name="down"/>x) down-sampling that keeps the image centred, with extra padding on every side (negative: a crop), as <see cref="Upfirdn2d.Downsample2d"/>.</summary>
    public static Tensor Downsample2d(Tensor x, float[] taps, int down = 2, int padding = 0, bool flipFilter = false)
    {
        int k = taps.Length;
        return Apply(x, taps, 1, down, padding + (k - down + 1) / 2, padding + (k - down) / 2, flipFilter, gain: 1);
    }

    // The same padding on both axes (the square filter of a separable one).
    static Tensor Apply(Tensor x, float[] taps, int up, int down, int pad0, int pad1, bool flipFilter, double gain) => Intermediates.Keep(() =>
    {
        double axisGain = Math.Sqrt(gain);
        var alongWidth = AxisMatrix((int)x.shape[3], taps, up, down, pad0, pad1, flipFilter, axisGain, x);
        var alongHeight = AxisMatrix((int)x.shape[2], taps, up, down, pad0, pad1, flipFilter, axisGain, x);
        return alongHeight.t().matmul(x.matmul(alongWidth));
    });

    /// <summary>
    /// The matrix [length, output length] of upfirdn along one axis: a row x becomes x A. Up-sampling puts sample i at
    /// i * up; padding adds pad0 and pad1 zeros (negative: crops); the filter is correlated as a convolution does,
    /// flipped unless <paramref name="flipFilter"/>; down-sampling keeps every down-th output.
    /// </summary>
    static Tensor AxisMatrix(int length, float[] taps, int up, int down, int pad0, int pad1, bool flipFilter, double gain, Tensor like)
    {
        int k = taps.Length, upLength = length * up;
        int filtered = upLength + pad0 + pad1 - k + 1;
        if (filtered < 1) throw new ArgumentException($"A {length}-sample axis padded by {pad0} and {pad1} is shorter than the {k}-tap filter.");
        int outLength = (filtered + down - 1) / down;
        var matrix = new float[length, outLength];
        for (int o = 0; o < outLength; o++)
            for (int t = 0; t < k; t++)
            {
                int u = o * down + t - pad0; // the up-sampled sample this tap reads
                if (u < 0 || u >= upLength || u % up != 0) continue;
                matrix[u / up, o] += (float)((flipFilter ? taps[t] : taps[k - 1 - t]) * gain);
            }
        return tensor(matrix, dtype: like.dtype, device: like.device);
    }
}
