using StyleGan.Configs;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>
/// One layer of the 2019 synthesis network (networks_stylegan.py's G_synthesis): its input (a 3x3 convolution,
/// optionally after nearest up-sampling and before a blur; or the learned constant; or the dense traditional input),
/// then the original layer epilogue in its order: per-pixel noise with a learned per-channel weight, bias and leaky
/// ReLU, instance norm and AdaIN (or, without styles, Progressive GAN's pixel norm).
/// </summary>
public sealed class StyleGan1Layer : nn.Module, ISynthesisLayer
{
    readonly Parameter? @const;
    readonly Parameter? weight;
    readonly FullyConnectedLayer? affine;
    readonly Parameter? noise_strength;
    readonly Tensor? noise_const;
    readonly Parameter bias;
    readonly SynthesisInput? input;
    readonly bool up;
    readonly bool blur;
    readonly SynthesisNormalization normalization;
    readonly long outChannels;
    readonly double weightGain;

    /// <param name="inChannels">Input channels of the convolution (ignored for a const or dense input).</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="resolution">Output resolution.</param>
    /// <param name="input">Const or dense for the first layer (4x4), null for a convolution.</param>
    /// <param name="up">Nearest 2x up-sampling before the convolution (the first layer of a block).</param>
    /// <param name="blur">The [1,2,1] blur after the up-sampling convolution (config B onward); a layer that does not up-sample is never blurred.</param>
    /// <param name="normalization">AdaIN (instance norm and styles) or pixel norm (no styles).</param>
    /// <param name="useNoise">Whether to add per-pixel noise with a learned per-channel weight.</param>
    public StyleGan1Layer(long inChannels, long outChannels, long wDim, int resolution, SynthesisInput? input, bool up, bool blur,
        SynthesisNormalization normalization, bool useNoise) : base(nameof(StyleGan1Layer))
    {
        if (normalization == SynthesisNormalization.Demodulation)
            throw new ArgumentException("StyleGAN2's demodulation is SynthesisLayer's; this layer normalizes with AdaIN or pixel norm.", nameof(normalization));
        Resolution = resolution;
        this.input = input;
        this.up = up;
        this.blur = blur;
        this.normalization = normalization;
        this.outChannels = outChannels;
        switch (input)
        {
            case SynthesisInput.Const:
                register_parameter("const", @const = new Parameter(ones(outChannels, resolution, resolution)));
                break;
            case SynthesisInput.Dense:
                // The original's gain: sqrt(2) / 4 where its other layers have sqrt(2) ("to match the original Theano implementation").
                register_parameter("weight", weight = new Parameter(randn(outChannels * resolution * resolution, wDim)));
                weightGain = 0.25 / Math.Sqrt(wDim);
                break;
            default:
                register_parameter("weight", weight = new Parameter(randn(outChannels, inChannels, 3, 3)));
                weightGain = 1 / Math.Sqrt(inChannels * 9);
                break;
        }
        if (useNoise)
        {
            register_buffer("noise_const", noise_const = randn(resolution, resolution));
            register_parameter("noise_strength", noise_strength = new Parameter(zeros(outChannels)));
        }
        register_parameter("bias", bias = new Parameter(zeros(outChannels)));
        if (normalization == SynthesisNormalization.Adain)
            register_module("affine", affine = new FullyConnectedLayer(wDim, outChannels * 2));
    }

    public Tensor? NoiseConst => noise_const;
    public Parameter? NoiseStrength => noise_strength;
    public Tensor? ScaleStyleWeight => affine?.EffectiveWeight.narrow(0, 0, outChannels);
    public int Resolution { get; }
    public ScalarType DType => bias.dtype;

    public Tensor forward(Tensor? x, Tensor w, SynthesisCall call) =>
        Intermediates.Keep(() =>
        {
            long batch = w.shape[0];
            x = input switch
            {
                SynthesisInput.Const => @const!.to(w.dtype).unsqueeze(0).repeat(batch, 1, 1, 1),
                SynthesisInput.Dense => w.matmul((weight!.to(w.dtype) * weightGain).t()).reshape(batch, outChannels, Resolution, Resolution),
                _ => Convolve(x ?? throw new ArgumentNullException(nameof(x), "A convolution layer needs its input features.")),
            };
            if (noise_strength is not null && call.NoiseMode != NoiseMode.None)
            {
                var noise = call.NoiseMode == NoiseMode.Const ? noise_const!.to(x.dtype)
                    : call.RandomNoise(batch, Resolution, x.dtype, x.device);
                if (call.NoiseScale != 1) noise = noise * call.NoiseScale;
                x = x + noise * noise_strength.to(x.dtype).reshape(1, -1, 1, 1);
            }
            // StyleGAN2-ADA's gain placement (sqrt(2) after the activation, not in the weights): the normalization
            // that follows removes it, so only the bias and noise weights differ from the original's, by sqrt(2).
            x = BiasAct.Apply(x, bias.to(x.dtype), act: Activation.Lrelu);
            if (normalization == SynthesisNormalization.PixelNorm) return Normalization.NormalizeSecondMoment(x);
            return Normalization.StyleModulate(Normalization.InstanceNorm(x), affine!.forward(w));
        });

    Tensor Convolve(Tensor x)
    {
        if (up) x = BoxResample.UpscaleNearest(x);
        x = Conv2dResample.Apply(x, (weight! * weightGain).to(x.dtype), padding: 1);
        // networks_stylegan.py blurs only Conv0_up's output (blur(upscale2d_conv2d(x))); 4x4/Conv and Conv1 are plain conv2d.
        return blur && up ? BoxResample.Blur(x) : x;
    }
}
