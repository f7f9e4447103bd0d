using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>Projects features to image channels with a modulated (not demodulated) 1x1 convolution.</summary>
public sealed class ToRgbLayer : nn.Module
{
    readonly FullyConnectedLayer affine;
    readonly Parameter weight;
    readonly Parameter bias;
    readonly double weightGain;
    readonly double? convClamp;

    /// <param name="inChannels">Number of feature channels.</param>
    /// <param name="outChannels">Number of image channels.</param>
    /// <param name="wDim">Dimensionality of the intermediate latent w.</param>
    /// <param name="kernelSize">Convolution kernel size.</param>
    /// <param name="convClamp">Clamp the output to ±this value, or no clamping.</param>
    public ToRgbLayer(long inChannels, long outChannels, long wDim, int kernelSize = 1, double? convClamp = null) : base(nameof(ToRgbLayer))
    {
        this.convClamp = convClamp;
        affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1);
        weight = new Parameter(randn(outChannels, inChannels, kernelSize, kernelSize));
        bias = new Parameter(zeros(outChannels));
        weightGain = 1 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        register_module("affine", affine);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    public Tensor forward(Tensor x, Tensor w, bool? fusedModconv) =>
        Intermediates.Keep(() =>
        {
            var styles = affine.forward(w) * weightGain;
            x = ModulatedConv2d.Apply(x, weight, styles, demodulate: false, fusedModconv: fusedModconv);
            return BiasAct.Apply(x, bias.to(x.dtype), clamp: convClamp, overwrite: true);
        });
}
