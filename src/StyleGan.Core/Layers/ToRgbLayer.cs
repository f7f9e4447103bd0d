using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>
/// Projects features to image channels with a 1x1 convolution: modulated by a style (not demodulated) in StyleGAN2,
/// plain in StyleGAN (2019) and Progressive GAN, whose toRGB layers take no w.
/// </summary>
public sealed class ToRgbLayer : nn.Module
{
    readonly FullyConnectedLayer? affine;
    readonly Parameter weight;
    readonly Parameter bias;
    readonly double weightGain;
    readonly double? convClamp;

    /// <param name="inChannels">Number of feature channels.</param>
    /// <param name="outChannels">Number of image channels.</param>
    /// <param name="wDim">Dimensionality of the intermediate latent w.</param>
    /// <param name="kernelSize">Convolution kernel size.</param>
    /// <param name="convClamp">Clamp the output to ±this value, or no clamping.</param>
    /// <param name="modulated">Whether a style from w scales the input channels (StyleGAN2), or not (2019).</param>
    public ToRgbLayer(long inChannels, long outChannels, long wDim, int kernelSize = 1, double? convClamp = null, bool modulated = true) : base(nameof(ToRgbLayer))
    {
        this.convClamp = convClamp;
        if (modulated) affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1);
        weight = new Parameter(randn(outChannels, inChannels, kernelSize, kernelSize));
        bias = new Parameter(zeros(outChannels));
        weightGain = 1 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        if (affine is not null) register_module("affine", affine);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    /// <summary>Whether the layer takes a w.</summary>
    public bool Modulated => affine is not null;

    /// <param name="x">Features [N, C, H, W].</param>
    /// <param name="w">The layer's w [N, w_dim] (modulated), else null.</param>
    /// <param name="fusedModconv">Grouped-convolution path, activation-scaling path, or null for the measured choice.</param>
    public Tensor forward(Tensor x, Tensor? w, bool? fusedModconv) =>
        Intermediates.Keep(() =>
        {
            if (affine is null)
                x = Conv2dResample.Apply(x, (weight * weightGain).to(x.dtype));
            else
            {
                var styles = affine.forward(w ?? throw new ArgumentNullException(nameof(w), "A modulated toRGB layer needs its w.")) * weightGain;
                x = ModulatedConv2d.Apply(x, weight, styles, demodulate: false, fusedModconv: fusedModconv);
            }
            return BiasAct.Apply(x, bias.to(x.dtype), clamp: convClamp, overwrite: true);
        });
}
