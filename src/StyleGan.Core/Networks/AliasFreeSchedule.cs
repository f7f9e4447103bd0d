namespace StyleGan.Networks;

/// <summary>One layer's place in StyleGAN3's frequency schedule: what <see cref="Layers.AliasFreeLayer"/> is built with.</summary>
/// <param name="Name">Its name in the state dict, L{index}_{size}_{channels}.</param>
/// <param name="IsToRgb">Whether it is the final toRGB layer.</param>
/// <param name="IsCriticallySampled">Whether it samples at its cutoff (the last layers).</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="InSize">Input side, margin included.</param>
/// <param name="OutSize">Output side, margin included.</param>
/// <param name="InSamplingRate">Input sampling rate.</param>
/// <param name="OutSamplingRate">Output sampling rate.</param>
/// <param name="InCutoff">Input cutoff frequency.</param>
/// <param name="OutCutoff">Output cutoff frequency.</param>
/// <param name="InHalfWidth">Input transition band half-width.</param>
/// <param name="OutHalfWidth">Output transition band half-width.</param>
public sealed record AliasFreeLayerSpec(string Name, bool IsToRgb, bool IsCriticallySampled, int InChannels, int OutChannels, int InSize, int OutSize,
    int InSamplingRate, int OutSamplingRate, double InCutoff, double OutCutoff, double InHalfWidth, double OutHalfWidth);

/// <summary>The Fourier input's place in the schedule.</summary>
/// <param name="Channels">Number of features.</param>
/// <param name="Size">Side, margin included.</param>
/// <param name="SamplingRate">Sampling rate.</param>
/// <param name="Bandwidth">The first layer's cutoff, the radius of the frequencies drawn.</param>
public sealed record FourierInputSpec(int Channels, int Size, double SamplingRate, double Bandwidth);

/// <summary>
/// StyleGAN3's schedule of cutoffs, stopbands, sampling rates, sizes and channels (networks_stylegan3.py's
/// SynthesisNetwork): cutoffs and minimum stopbands grow geometrically from the first layer to the last
/// non-critical one, each layer samples at the smallest power of two above twice its stopband (at most the image's),
/// every layer but the last two carries a margin, and channels fall as the cutoff rises.
/// </summary>
public static class AliasFreeSchedule
{
    /// <param name="imgResolution">Output resolution.</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="channelBase">Overall multiplier of the channels.</param>
    /// <param name="channelMax">Most channels of any layer.</param>
    /// <param name="numLayers">Layers, excluding the input and the toRGB.</param>
    /// <param name="numCritical">Critically sampled layers at the end.</param>
    /// <param name="firstCutoff">Cutoff of the first layer (f_c,0).</param>
    /// <param name="firstStopband">Minimum stopband of the first layer (f_t,0).</param>
    /// <param name="lastStopbandRel">Minimum stopband of the last layer, relative to its cutoff.</param>
    /// <param name="marginSize">Pixels outside the image in every layer but the last two.</param>
    public static (FourierInputSpec Input, IReadOnlyList<AliasFreeLayerSpec> Layers) Of(int imgResolution, int imgChannels, double channelBase, double channelMax,
        int numLayers = 14, int numCritical = 2, double firstCutoff = 2, double? firstStopband = null, double? lastStopbandRel = null, int marginSize = 10)
    {
        double lastCutoff = imgResolution / 2.0, lastStopband = lastCutoff * (lastStopbandRel ?? Math.Pow(2, 0.3));
        double first = firstStopband ?? Math.Pow(2, 2.1);
        var cutoffs = new double[numLayers + 1];
        var stopbands = new double[numLayers + 1];
        var rates = new int[numLayers + 1];
        var halfWidths = new double[numLayers + 1];
        var sizes = new int[numLayers + 1];
        var channels = new int[numLayers + 1];
        for (int i = 0; i <= numLayers; i++)
        {
            double exponent = Math.Min((double)i / (numLayers - numCritical), 1);
            cutoffs[i] = firstCutoff * Math.Pow(lastCutoff / firstCutoff, exponent);
            stopbands[i] = first * Math.Pow(lastStopband / first, exponent);
            rates[i] = (int)Math.Pow(2, Math.Ceiling(Math.Log2(Math.Min(stopbands[i] * 2, imgResolution))));
            halfWidths[i] = Math.Max(stopbands[i], rates[i] / 2.0) - cutoffs[i];
            sizes[i] = i >= numLayers - 1 ? imgResolution : rates[i] + marginSize * 2;
            channels[i] = i == numLayers ? imgChannels : (int)Math.Round(Math.Min(channelBase / 2 / cutoffs[i], channelMax), MidpointRounding.ToEven);
        }
        var layers = Enumerable.Range(0, numLayers + 1).Select(i =>
        {
            int previous = Math.Max(i - 1, 0);
            return new AliasFreeLayerSpec($"L{i}_{sizes[i]}_{channels[i]}", i == numLayers, i >= numLayers - numCritical, channels[previous], channels[i],
                sizes[previous], sizes[i], rates[previous], rates[i], cutoffs[previous], cutoffs[i], halfWidths[previous], halfWidths[i]);
        }).ToList();
        return (new FourierInputSpec(channels[0], sizes[0], rates[0], cutoffs[0]), layers);
    }
}
