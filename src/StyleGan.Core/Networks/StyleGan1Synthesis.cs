using StyleGan.Configs;
using StyleGan.Layers;

namespace StyleGan.Networks;

/// <summary>
/// The 2019 family's blocks (networks_stylegan.py's G_synthesis, networks_progan.py's G): an input layer (const or
/// dense) at 4x4, then an up-sampling and a plain 3x3 layer per resolution, each with the AdaIN or pixel-norm
/// epilogue, and a plain toRGB per resolution where the network grows.
/// </summary>
/// <param name="config">Normalization, input, noise, resampling, growing and clamp.</param>
public sealed class StyleGan1Synthesis(SynthesisConfig config) : SynthesisFamily
{
    public override int ToRgbWs => 0;

    public override SynthesisBlockParts Block(int inChannels, int outChannels, int wDim, int resolution, int imgChannels, bool isLast)
    {
        bool first = inChannels == 0;
        StyleGan1Layer Layer(int layerIn, bool up, SynthesisInput? input = null) =>
            new(layerIn, outChannels, wDim, resolution, input, up, blur: config.Resampling == Resampling.NearestBlur, config.Normalization, config.UseNoise);
        // The first layer is StyleGAN's input layer (the original's "4x4/Const" or "4x4/Dense" scope).
        return new SynthesisBlockParts(
            Const: null,
            Input: first ? Layer(0, up: false, config.Input) : null,
            Conv0: first ? null : Layer(inChannels, up: true),
            Conv1: Layer(outChannels, up: false),
            ToRgb: isLast || config.Growing ? new ToRgbLayer(outChannels, imgChannels, wDim, convClamp: config.ConvClamp, modulated: false) : null,
            Skip: null,
            ResampleFilter: null);
    }
}
