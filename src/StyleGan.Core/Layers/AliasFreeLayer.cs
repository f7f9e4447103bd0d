using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>
/// One layer of StyleGAN3's synthesis network (networks_stylegan3.py's SynthesisLayer): a modulated convolution whose
/// input is scaled by the inverse of its tracked magnitude, then the filtered leaky ReLU, which up-samples with a
/// low-pass filter to a higher rate, applies the nonlinearity there and low-passes back down, so that no frequency
/// above the layer's cutoff survives (alias-free). The last layer (toRGB) is a plain modulated 1x1 convolution.
/// </summary>
public sealed class AliasFreeLayer : nn.Module, ISynthesisLayer
{
    readonly FullyConnectedLayer affine;
    readonly Parameter weight;
    readonly Parameter bias;
    readonly Tensor magnitude_ema;
    readonly Tensor? up_filter;
    readonly Tensor? down_filter;
    readonly bool isToRgb;
    readonly int convKernel;
    readonly int upFactor;
    readonly int downFactor;
    readonly Padding padding;
    readonly double? convClamp;
    readonly double magnitudeEmaBeta;
    readonly long inChannels;
    readonly int outSize;

    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="isToRgb">Whether this is the final toRGB layer.</param>
    /// <param name="isCriticallySampled">Whether the layer samples at its cutoff (the last layers; never a radial filter).</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="inSize">Input side, margin included.</param>
    /// <param name="outSize">Output side, margin included.</param>
    /// <param name="inSamplingRate">Input sampling rate (s).</param>
    /// <param name="outSamplingRate">Output sampling rate.</param>
    /// <param name="inCutoff">Input cutoff frequency (f_c).</param>
    /// <param name="outCutoff">Output cutoff frequency.</param>
    /// <param name="inHalfWidth">Input transition band half-width (f_h).</param>
    /// <param name="outHalfWidth">Output transition band half-width.</param>
    /// <param name="convKernel">Convolution kernel size (3 in config T, 1 in config R; 1 for toRGB).</param>
    /// <param name="filterSize">Low-pass filter taps per factor of resampling.</param>
    /// <param name="lreluUpsampling">How much higher than the layer's rates the nonlinearity samples.</param>
    /// <param name="useRadialFilters">Radially symmetric down-sampling filters (config R), except where critically sampled.</param>
    /// <param name="convClamp">Clamp of the output, or null.</param>
    /// <param name="magnitudeEmaBeta">Decay of the tracked input magnitude.</param>
    public AliasFreeLayer(long wDim, bool isToRgb, bool isCriticallySampled, long inChannels, long outChannels, int inSize, int outSize,
        int inSamplingRate, int outSamplingRate, double inCutoff, double outCutoff, double inHalfWidth, double outHalfWidth, int convKernel = 3,
        int filterSize = 6, int lreluUpsampling = 2, bool useRadialFilters = false, double? convClamp = 256, double magnitudeEmaBeta = 0.999)
        : base(nameof(AliasFreeLayer))
    {
        this.isToRgb = isToRgb;
        this.inChannels = inChannels;
        this.outSize = outSize;
        this.convKernel = isToRgb ? 1 : convKernel;
        this.convClamp = convClamp;
        this.magnitudeEmaBeta = magnitudeEmaBeta;
        affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1);
        weight = new Parameter(randn(outChannels, inChannels, this.convKernel, this.convKernel));
        bias = new Parameter(zeros(outChannels));
        magnitude_ema = ones(Array.Empty<long>());

        int tmpSamplingRate = Math.Max(inSamplingRate, outSamplingRate) * (isToRgb ? 1 : lreluUpsampling);
        upFactor = tmpSamplingRate / inSamplingRate;
        downFactor = tmpSamplingRate / outSamplingRate;
        if (upFactor * inSamplingRate != tmpSamplingRate || downFactor * outSamplingRate != tmpSamplingRate)
            throw new ArgumentException($"The rates {inSamplingRate} and {outSamplingRate} do not divide {tmpSamplingRate}.");
        int upTaps = upFactor > 1 && !isToRgb ? filterSize * upFactor : 1;
        int downTaps = downFactor > 1 && !isToRgb ? filterSize * downFactor : 1;
        up_filter = LowpassFilter.Design(upTaps, inCutoff, inHalfWidth * 2, tmpSamplingRate)?.to(ScalarType.Float32);
        down_filter = LowpassFilter.Design(downTaps, outCutoff, outHalfWidth * 2, tmpSamplingRate, radial: useRadialFilters && !isCriticallySampled)?.to(ScalarType.Float32);

        // The padding that gives the output size, with the samples where the symmetric interpretation puts them
        // (the paper's appendix C.3). Python's floor division, as NVIDIA's.
        int total = (outSize - 1) * downFactor + 1 - (inSize + this.convKernel - 1) * upFactor + upTaps + downTaps - 2;
        int low = (int)Math.Floor((total + upFactor) / 2.0);
        padding = new Padding(low, total - low, low, total - low);

        register_module("affine", affine);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("magnitude_ema", magnitude_ema);
        if (up_filter is not null) register_buffer("up_filter", up_filter);
        if (down_filter is not null) register_buffer("down_filter", down_filter);
    }

    /// <summary>The rows of the style affine [in_channels, w_dim], as applied.</summary>
    public Tensor? ScaleStyleWeight => affine.EffectiveWeight;

    /// <summary>None: StyleGAN3's layers have no noise input.</summary>
    public Tensor? NoiseConst => null;

    /// <summary>None: StyleGAN3's layers have no noise input.</summary>
    public Parameter? NoiseStrength => null;

    /// <summary>The output side, margin included.</summary>
    public int Resolution => outSize;

    public ScalarType DType => weight.dtype;

    /// <summary>As <see cref="forward(Tensor, Tensor, bool)"/>, with the call's <see cref="SynthesisCall.UpdateEmas"/>; there is no noise to draw.</summary>
    public Tensor forward(Tensor? x, Tensor w, SynthesisCall call) =>
        forward(x ?? throw new ArgumentNullException(nameof(x), "A StyleGAN3 layer needs its input features."), w, call.UpdateEmas);

    /// <param name="x">Input [N, in_channels, in_size, in_size].</param>
    /// <param name="w">The layer's w [N, w_dim].</param>
    /// <param name="updateEmas">Track the input's magnitude first (training), as NVIDIA's update_emas.</param>
    public Tensor forward(Tensor x, Tensor w, bool updateEmas = false) => Intermediates.Keep(() =>
    {
        if (updateEmas)
            using (no_grad())
                // NVIDIA's magnitude is float32 whatever the network's dtype.
                magnitude_ema.copy_(x.detach().to(ScalarType.Float32).square().mean().to(magnitude_ema.dtype).lerp(magnitude_ema, magnitudeEmaBeta));
        var styles = affine.forward(w);
        if (isToRgb) styles = styles * (1 / Math.Sqrt(inChannels * convKernel * convKernel));
        var y = NormalizedModulatedConv2d.Apply(x, weight.to(x.dtype), styles, demodulate: !isToRgb, padding: convKernel - 1,
            inputGain: magnitude_ema.to(x.dtype).rsqrt());
        return FilteredLrelu.Apply(y, up_filter, down_filter, bias.to(y.dtype), up: upFactor, down: downFactor, padding: padding,
            gain: isToRgb ? 1 : Math.Sqrt(2), slope: isToRgb ? 1 : 0.2, clamp: convClamp);
    });
}
