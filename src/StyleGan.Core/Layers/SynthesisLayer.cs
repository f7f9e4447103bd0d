using TorchSharp;
using StyleGan.Configs;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>One StyleGAN2 synthesis convolution: style affine, modulated 3x3 conv (optionally upsampling), noise, bias, activation.</summary>
public sealed class SynthesisLayer : nn.Module, ISynthesisLayer
{
    readonly FullyConnectedLayer affine;
    readonly Parameter weight;
    readonly Parameter? noise_strength;
    readonly Tensor? noise_const;
    readonly Parameter bias;
    readonly Tensor resample_filter;
    readonly int resolution;
    readonly int up;
    readonly int padding;
    readonly Activation activation;
    readonly double? convClamp;
    readonly double outputGain;

    /// <param name="inChannels">Number of input channels.</param>
    /// <param name="outChannels">Number of output channels.</param>
    /// <param name="wDim">Dimensionality of the intermediate latent w.</param>
    /// <param name="resolution">Output resolution of this layer.</param>
    /// <param name="kernelSize">Convolution kernel size.</param>
    /// <param name="up">Integer upsampling factor (2 for the first layer of a block).</param>
    /// <param name="useNoise">Whether to add per-pixel noise with a learned strength.</param>
    /// <param name="activation">Activation after the bias.</param>
    /// <param name="resampleFilter">Taps of the FIR resampling filter.</param>
    /// <param name="convClamp">Clamp the output to ±this value, or no clamping.</param>
    /// <param name="outputGain">Extra gain of the output and of its clamp: sqrt(0.5) for the second layer of a residual block, else 1.</param>
    public SynthesisLayer(long inChannels, long outChannels, long wDim, int resolution, int kernelSize = 3, int up = 1, bool useNoise = true,
        Activation activation = Activation.Lrelu, float[]? resampleFilter = null, double? convClamp = null, double outputGain = 1) : base(nameof(SynthesisLayer))
    {
        this.outputGain = outputGain;
        this.resolution = resolution;
        this.up = up;
        this.activation = activation;
        this.convClamp = convClamp;
        padding = kernelSize / 2;
        resample_filter = Upfirdn2d.SetupFilter(resampleFilter);
        affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1);
        weight = new Parameter(randn(outChannels, inChannels, kernelSize, kernelSize));
        bias = new Parameter(zeros(outChannels));

        register_buffer("resample_filter", resample_filter);
        register_module("affine", affine);
        register_parameter("weight", weight);
        if (useNoise)
        {
            register_buffer("noise_const", noise_const = randn(resolution, resolution));
            register_parameter("noise_strength", noise_strength = new Parameter(zeros(Array.Empty<long>())));
        }
        register_parameter("bias", bias);
    }

    public Tensor? NoiseConst => noise_const;
    public Parameter? NoiseStrength => noise_strength;
    public Tensor? ScaleStyleWeight => affine.EffectiveWeight;
    public int Resolution => resolution;
    public ScalarType DType => weight.dtype;

    public Tensor forward(Tensor? x, Tensor w, SynthesisCall call) =>
        Intermediates.Keep(() =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var styles = affine.forward(w);
            Tensor? noise = null;
            if (noise_strength is not null && call.NoiseMode == NoiseMode.Random)
                noise = call.RandomNoise(x.shape[0], resolution, null, x.device) * noise_strength;
            if (noise_strength is not null && call.NoiseMode == NoiseMode.Const)
                noise = noise_const! * noise_strength;
            // Strength 0 takes the no-noise path, so that it is the same image as no noise, bit for bit.
            if (call.NoiseScale == 0) noise = null;
            else if (noise is not null && call.NoiseScale != 1) noise = noise * call.NoiseScale;

            bool flipWeight = up == 1; // slightly faster, as in the official code
            x = ModulatedConv2d.Apply(x, weight, styles, noise, up: up, padding: padding, resampleFilter: resample_filter,
                flipWeight: flipWeight, fusedModconv: call.FusedModconv);
            return BiasAct.Apply(x, bias.to(x.dtype), act: activation, gain: BiasAct.DefaultGain(activation) * outputGain, clamp: convClamp * outputGain, overwrite: true);
        });
}
