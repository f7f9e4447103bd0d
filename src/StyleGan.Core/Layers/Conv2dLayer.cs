using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>Convolution with equalized learning rate, optional FIR up/downsampling, bias, activation and clamp.</summary>
public sealed class Conv2dLayer : nn.Module
{
    readonly Tensor weight;        // a Parameter when trainable, a buffer when frozen
    readonly Tensor? bias;
    readonly Tensor resample_filter;
    readonly Activation activation;
    readonly int up;
    readonly int down;
    readonly int padding;
    readonly double? convClamp;
    readonly double weightGain;

    /// <param name="inChannels">Number of input channels.</param>
    /// <param name="outChannels">Number of output channels.</param>
    /// <param name="kernelSize">Width and height of the kernel.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="activation">Activation after the bias.</param>
    /// <param name="up">Integer upsampling factor.</param>
    /// <param name="down">Integer downsampling factor.</param>
    /// <param name="resampleFilter">Taps of the FIR resampling filter.</param>
    /// <param name="convClamp">Clamp the output to ±this value, or no clamping.</param>
    /// <param name="trainable">False keeps weight and bias as buffers (frozen layers).</param>
    public Conv2dLayer(long inChannels, long outChannels, int kernelSize, bool bias = true, Activation activation = Activation.Linear,
        int up = 1, int down = 1, float[]? resampleFilter = null, double? convClamp = null, bool trainable = true) : base(nameof(Conv2dLayer))
    {
        this.activation = activation;
        this.up = up;
        this.down = down;
        this.convClamp = convClamp;
        padding = kernelSize / 2;
        weightGain = 1 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        resample_filter = Upfirdn2d.SetupFilter(resampleFilter);
        register_buffer("resample_filter", resample_filter);

        var initialWeight = randn(outChannels, inChannels, kernelSize, kernelSize);
        var initialBias = bias ? zeros(outChannels) : null;
        if (trainable)
        {
            weight = new Parameter(initialWeight);
            register_parameter("weight", (Parameter)weight);
            if (initialBias is not null) register_parameter("bias", (Parameter)(this.bias = new Parameter(initialBias)));
        }
        else
        {
            register_buffer("weight", weight = initialWeight);
            if (initialBias is not null) register_buffer("bias", this.bias = initialBias);
        }
    }

    /// <param name="x">Input [N, I, H, W].</param>
    /// <param name="gain">Extra output gain (sqrt(0.5) in residual blocks); also scales the clamp.</param>
    public Tensor forward(Tensor x, double gain = 1) =>
        Intermediates.Keep(() =>
        {
            var w = weight * weightGain;
            var b = bias?.to(x.dtype);
            bool flipWeight = up == 1; // slightly faster, as in the official code
            x = Conv2dResample.Apply(x, w.to(x.dtype), resample_filter, up, down, padding, flipWeight: flipWeight);
            return BiasAct.Apply(x, b, act: activation, gain: BiasAct.DefaultGain(activation) * gain, clamp: convClamp * gain, overwrite: true);
        });
}
