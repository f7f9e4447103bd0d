using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// StyleGAN2's blocks (networks.py's SynthesisBlock): the learned const, modulated and demodulated 3x3 layers, a
/// modulated toRGB that takes a w, and the orig, skip or residual wiring.
/// </summary>
/// <param name="config">Architecture, noise and clamp.</param>
public sealed class StyleGan2Synthesis(SynthesisConfig config) : SynthesisFamily
{
    public override int ToRgbWs => 1;

    public override SynthesisBlockParts Block(int inChannels, int outChannels, int wDim, int resolution, int imgChannels, bool isLast)
    {
        bool first = inChannels == 0, residual = !first && config.Architecture == Architecture.Resnet;
        SynthesisLayer Layer(int layerIn, int up, double outputGain = 1) =>
            new(layerIn, outChannels, wDim, resolution, up: up, useNoise: config.UseNoise, convClamp: config.ConvClamp, outputGain: outputGain);
        return new SynthesisBlockParts(
            Const: first ? new Parameter(randn(outChannels, resolution, resolution)) : null,
            Input: null,
            Conv0: first ? null : Layer(inChannels, up: 2),
            Conv1: Layer(outChannels, up: 1, outputGain: residual ? Math.Sqrt(0.5) : 1),
            ToRgb: isLast || config.Architecture == Architecture.Skip ? new ToRgbLayer(outChannels, imgChannels, wDim, convClamp: config.ConvClamp) : null,
            Skip: residual ? new Conv2dLayer(inChannels, outChannels, kernelSize: 1, bias: false, up: 2) : null,
            ResampleFilter: Upfirdn2d.SetupFilter());
    }
}
