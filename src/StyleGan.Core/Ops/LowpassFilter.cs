using MathNet.Numerics;
using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// StyleGAN3's low-pass filters, as networks_stylegan3.py's design_lowpass_filter makes them: a separable
/// Kaiser-windowed FIR designed as scipy.signal.firwin designs it, or config R's radially symmetric jinc filter under
/// the same Kaiser window. Designed in float64 (a layer keeps them in float32, as NVIDIA's does), with Math.NET's
/// Bessel functions: libtorch's bessel_j1 is off by up to 5e-7 near x = 5, where scipy's and Math.NET's agree to 1e-15.
/// </summary>
public static class LowpassFilter
{
    /// <summary>The filter as a float64 tensor, or null for a single tap (no filtering).</summary>
    /// <param name="numtaps">Taps per dimension.</param>
    /// <param name="cutoff">Cutoff frequency (f_c), in the units of <paramref name="fs"/>.</param>
    /// <param name="width">Width of the transition band (2 f_h), which sets the Kaiser window's attenuation.</param>
    /// <param name="fs">Sampling rate.</param>
    /// <param name="radial">A 2D radially symmetric (jinc) filter [numtaps, numtaps] instead of a separable 1D one [numtaps].</param>
    public static Tensor? Design(int numtaps, double cutoff, double width, double fs, bool radial = false)
    {
        if (numtaps < 1) throw new ArgumentOutOfRangeException(nameof(numtaps), numtaps, "A filter has at least one tap.");
        if (numtaps == 1) return null;
        double nyquist = fs / 2, centre = (numtaps - 1) / 2.0;
        double beta = KaiserBeta(KaiserAttenuation(numtaps, width / nyquist));
        // numpy's kaiser (symmetric): I0(beta sqrt(1 - t^2)) / I0(beta), t from -1 to 1.
        var window = Enumerable.Range(0, numtaps)
            .Select(n => SpecialFunctions.BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - Math.Pow((n - centre) / centre, 2)))) / SpecialFunctions.BesselI0(beta))
            .ToArray();
        double[] f;
        if (!radial)
        {
            // firwin's single pass band [0, cutoff]: an ideal low-pass (c sinc(c m)), windowed, scaled to 1 at DC.
            double c = cutoff / nyquist;
            f = Enumerable.Range(0, numtaps).Select(n => c * Sinc(c * (n - centre)) * window[n]).ToArray();
        }
        else
        {
            f = new double[numtaps * numtaps];
            for (int i = 0; i < numtaps; i++)
                for (int j = 0; j < numtaps; j++)
                {
                    double r = Math.Sqrt(Math.Pow((i - centre) / fs, 2) + Math.Pow((j - centre) / fs, 2));
                    // J1(2 pi c r) / (pi r) tends to c at r = 0 (the centre tap of an odd size; NVIDIA's sizes are even).
                    double jinc = r == 0 ? cutoff : SpecialFunctions.BesselJ(1, 2 * cutoff * Math.PI * r) / (Math.PI * r);
                    f[i * numtaps + j] = jinc * window[i] * window[j];
                }
        }
        double sum = f.Sum();
        var filter = tensor(f.Select(v => v / sum).ToArray(), dtype: ScalarType.Float64);
        return radial ? filter.reshape(numtaps, numtaps) : filter;
    }

    // numpy's sinc: sin(pi x) / (pi x), 1 at 0.
    static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    // scipy.signal.kaiser_atten: the attenuation (dB) of a Kaiser FIR with this many taps and transition width (relative to Nyquist).
    static double KaiserAttenuation(int numtaps, double width) => 2.285 * (numtaps - 1) * Math.PI * width + 7.95;

    // scipy.signal.kaiser_beta: Kaiser's empirical beta for an attenuation in dB.
    static double KaiserBeta(double attenuation) => attenuation > 50 ? 0.1102 * (attenuation - 8.7)
        : attenuation > 21 ? 0.5842 * Math.Pow(attenuation - 21, 0.4) + 0.07886 * (attenuation - 21)
        : 0;
}
