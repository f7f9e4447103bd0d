using TorchSharp;
using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// One resolution of the synthesis network: its input (the learned constant, StyleGAN's input layer, or a first
/// convolution that up-samples), a second convolution, toRGB, and the skip/residual wiring. The layers are
/// StyleGAN2's modulated convolutions or the 2019 family's AdaIN/pixel-norm layers, as the config says.
/// </summary>
public sealed class SynthesisBlock : nn.Module
{
    readonly Parameter? @const;
    readonly ISynthesisLayer? input;
    readonly ISynthesisLayer? conv0;
    readonly ISynthesisLayer conv1;
    readonly ToRgbLayer? torgb;
    readonly Conv2dLayer? skip;
    readonly Tensor? resample_filter;
    readonly Architecture architecture;

    /// <summary>Number of synthesis layers (each takes one w).</summary>
    public int NumConv { get; }

    /// <summary>Number of ws the block's toRGB takes (0 without toRGB, or with the 2019 family's unmodulated one).</summary>
    public int NumToRgb { get; }

    /// <summary>The block's synthesis layers in the order they take ws, with their names in the block.</summary>
    public IEnumerable<(string Name, ISynthesisLayer Layer)> Layers =>
        input is not null ? [("input", input), ("conv1", conv1)] : conv0 is not null ? [("conv0", conv0), ("conv1", conv1)] : [("conv1", conv1)];

    /// <summary>The dtype the block's parameters are stored in (float32 unless the network was converted).</summary>
    public ScalarType DType => conv1.DType;

    /// <param name="inChannels">Channels of the previous block (0 for the first block, which makes its own input).</param>
    /// <param name="outChannels">Channels of this block.</param>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="resolution">Resolution of this block.</param>
    /// <param name="imgChannels">Image channels.</param>
    /// <param name="isLast">Whether this is the final block (always has toRGB).</param>
    /// <param name="config">Architecture, normalization, input, noise, resampling, growing and clamp.</param>
    public SynthesisBlock(int inChannels, int outChannels, int wDim, int resolution, int imgChannels, bool isLast, SynthesisConfig config)
        : base(nameof(SynthesisBlock))
    {
        architecture = config.Architecture;
        bool modulated = config.Normalization == SynthesisNormalization.Demodulation;
        if (modulated) register_buffer("resample_filter", resample_filter = Upfirdn2d.SetupFilter());

        ISynthesisLayer Layer(int layerIn, bool up, SynthesisInput? source = null) => modulated
            ? new SynthesisLayer(layerIn, outChannels, wDim, resolution, up: up ? 2 : 1, useNoise: config.UseNoise, convClamp: config.ConvClamp)
            : new StyleGan1Layer(layerIn, outChannels, wDim, resolution, source, up, config.Resampling == Resampling.NearestBlur, config.Normalization, config.UseNoise);

        // The 2019 family's first layer is StyleGAN's input layer (the original's "4x4/Const" or "4x4/Dense" scope).
        // Each layer has a field of its registered name: TorchSharp's state_dict also lists modules by field name.
        if (inChannels == 0 && modulated)
            register_parameter("const", @const = new Parameter(randn(outChannels, resolution, resolution)));
        else if (inChannels == 0)
            register_module("input", (nn.Module)(input = Layer(0, up: false, source: config.Input)));
        else
            register_module("conv0", (nn.Module)(conv0 = Layer(inChannels, up: true)));
        NumConv += @const is null ? 1 : 0;
        register_module("conv1", (nn.Module)(conv1 = Layer(outChannels, up: false)));
        NumConv++;

        if (isLast || architecture == Architecture.Skip || config.Growing)
        {
            register_module("torgb", torgb = new ToRgbLayer(outChannels, imgChannels, wDim, convClamp: config.ConvClamp, modulated: modulated));
            NumToRgb = modulated ? 1 : 0;
        }
        if (inChannels != 0 && architecture == Architecture.Resnet)
            register_module("skip", skip = new Conv2dLayer(inChannels, outChannels, kernelSize: 1, bias: false, up: 2));
    }

    /// <param name="x">Features of the previous block, or null for the first block.</param>
    /// <param name="img">Image so far (skip architecture), or null.</param>
    /// <param name="ws">[N, NumConv + NumToRgb, w_dim].</param>
    /// <param name="noiseMode">Random, constant or no noise.</param>
    /// <param name="fusedModconv">Grouped-convolution path, activation-scaling path, or null for the measured choice.</param>
    /// <param name="noiseGenerator">Random stream for NoiseMode.Random.</param>
    /// <param name="noiseScale">Multiplies every layer's noise (1: as trained).</param>
    /// <param name="observe">
    /// Called with each layer's output under its state-dict name ("b8.conv0", "b8.torgb"), while the tensor is alive:
    /// an observer that keeps one copies it. Null: none.
    /// </param>
    /// <returns>The features, and the image so far plus this block's toRGB (null when the block has no toRGB and none came in).</returns>
    public (Tensor X, Tensor? Img) forward(Tensor? x, Tensor? img, Tensor ws, NoiseMode noiseMode, bool? fusedModconv, torch.Generator? noiseGenerator = null,
        double noiseScale = 1, Action<string, Tensor>? observe = null) =>
        Intermediates.Keep(() =>
        {
            var w = ws.unbind(1);
            int next = 0;
            Tensor Conv(ISynthesisLayer layer, string name, Tensor? input, double gain = 1)
            {
                var output = layer.forward(input, w[next++], noiseMode, fusedModconv, gain, noiseGenerator, noiseScale);
                observe?.Invoke($"b{conv1.Resolution}.{name}", output);
                return output;
            }

            if (@const is not null)
            {
                x = Conv(conv1, "conv1", @const.unsqueeze(0).repeat(ws.shape[0], 1, 1, 1));
            }
            else if (architecture == Architecture.Resnet)
            {
                var y = skip!.forward(x!, gain: Math.Sqrt(0.5));
                x = Conv(conv0!, "conv0", x);
                x = Conv(conv1, "conv1", x, gain: Math.Sqrt(0.5));
                x = y + x;
            }
            else
            {
                x = input is not null ? Conv(input, "input", x) : Conv(conv0!, "conv0", x);
                x = Conv(conv1, "conv1", x);
            }

            if (img is not null) img = Upfirdn2d.Upsample2d(img, resample_filter!);
            if (torgb is not null)
            {
                var y = torgb.forward(x, torgb.Modulated ? w[next] : null, fusedModconv);
                observe?.Invoke($"b{conv1.Resolution}.torgb", y);
                img = img is null ? y : img + y;
            }
            return (x, img);
        });
}
