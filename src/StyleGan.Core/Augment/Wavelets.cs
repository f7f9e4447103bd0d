namespace StyleGan.Augment;

/// <summary>
/// The wavelet low-pass filters of StyleGAN2-ADA's augmentation: sym6 resamples the geometric transforms (orthogonal,
/// so up- and down-sampling with it leave an untransformed image as it was), and sym2 builds the filter bank that
/// splits an image into 4 frequency bands for image-space filtering.
/// </summary>
public static class Wavelets
{
    /// <summary>The Symlet-2 low-pass filter H(z).</summary>
    public static readonly double[] Sym2 = [-0.12940952255092145, 0.22414386804185735, 0.836516303737469, 0.48296291314469025];

    /// <summary>The Symlet-6 low-pass filter.</summary>
    public static readonly double[] Sym6 = [0.015404109327027373, 0.0034907120842174702, -0.11799011114819057, -0.048311742585633,
        0.4910559419267466, 0.787641141030194, 0.3379294217276218, -0.07263752278646252, -0.021060292512300564,
        0.04472490177066578, 0.0017677118642428036, -0.007800708325034148];

    /// <summary>Bands of the filter bank.</summary>
    public const int FilterBankBands = 4;

    /// <summary>Taps of each band's filter.</summary>
    public const int FilterBankTaps = 43;

    /// <summary>
    /// The filter bank [bands, taps] as augment.py builds it: band 0 the low-pass, each further band the high-pass
    /// H(-z) H(-z^-1) / 2 at the scale where the previous low-pass was split, so that the bands add up to the identity.
    /// </summary>
    public static double[,] FilterBank()
    {
        var hi = Sym2.Select((h, i) => i % 2 == 0 ? h : -h).ToArray();
        var lo2 = Convolve(Sym2, Sym2.Reverse().ToArray()).Select(v => v / 2).ToArray();
        var hi2 = Convolve(hi, hi.Reverse().ToArray()).Select(v => v / 2).ToArray();
        var bank = new double[FilterBankBands][];
        for (int b = 0; b < FilterBankBands; b++) bank[b] = [b == 0 ? 1 : 0];
        for (int i = 1; i < FilterBankBands; i++)
        {
            for (int b = 0; b < FilterBankBands; b++)
            {
                // Zeros between the taps (the last one dropped): the filters one octave down, then smoothed by the low-pass.
                var spread = new double[bank[b].Length * 2 - 1];
                for (int k = 0; k < bank[b].Length; k++) spread[2 * k] = bank[b][k];
                bank[b] = Convolve(spread, lo2);
            }
            int start = (bank[i].Length - hi2.Length) / 2;
            for (int k = 0; k < hi2.Length; k++) bank[i][start + k] += hi2[k];
        }
        var result = new double[FilterBankBands, FilterBankTaps];
        for (int b = 0; b < FilterBankBands; b++)
            for (int k = 0; k < FilterBankTaps; k++) result[b, k] = bank[b][k];
        return result;
    }

    // Full discrete convolution, as numpy.convolve.
    static double[] Convolve(double[] a, double[] b)
    {
        var result = new double[a.Length + b.Length - 1];
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++) result[i + j] += a[i] * b[j];
        return result;
    }
}
