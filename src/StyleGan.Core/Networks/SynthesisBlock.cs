using TorchSharp;
using StyleGan.Layers;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>One resolution of the synthesis network: two modulated convs (the first upsamples), toRGB, and the skip/residual wiring.</summary>
public sealed class SynthesisBlock : nn.Module
{
    readonly Parameter? @const;
    readonly SynthesisLayer? conv0;
    readonly SynthesisLayer conv1;
    readonly ToRgbLayer? torgb;
    readonly Conv2dLayer? skip;
    readonly Tensor resample_filter;
    readonly int inChannels;
    readonly Architecture architecture;

    /// <summary>Number of synthesis convolutions (each takes one w).</summary>
    public int NumConv { get; }

    /// <summary>Number of toRGB layers (each takes one w).</summary>
    public int NumToRgb { get; }

    /// <summary>The block's synthesis convolutions in the order they take ws, with their names in the block.</summary>
    public IEnumerable<(string Name, SynthesisLayer Layer)> Layers => conv0 is null ? [("conv1", conv1)] : [("conv0", conv0), ("conv1", conv1)];

    /// <summary>The dtype the block's parameters are stored in (float32 unless the network was converted).</summary>
    public ScalarType DType => conv1.DType;

    /// <param name="inChannels">Channels of the previous block (0 for the first block, which starts from a learned constant).</param>
    /// <param name="outChannels">Channels of this block.</param>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="resolution">Resolution of this block.</param>
    /// <param name="imgChannels">Image channels.</param>
    /// <param name="isLast">Whether this is the final block (always has toRGB).</param>
    /// <param name="architecture">Orig, skip or resnet.</param>
    /// <param name="convClamp">Clamp of convolution outputs (null: none).</param>
    public SynthesisBlock(int inChannels, int outChannels, int wDim, int resolution, int imgChannels, bool isLast,
        Architecture architecture, double? convClamp) : base(nameof(SynthesisBlock))
    {
        this.inChannels = inChannels;
        this.architecture = architecture;
        resample_filter = Upfirdn2d.SetupFilter();
        register_buffer("resample_filter", resample_filter);

        if (inChannels == 0)
            register_parameter("const", @const = new Parameter(randn(outChannels, resolution, resolution)));
        else
        {
            register_module("conv0", conv0 = new SynthesisLayer(inChannels, outChannels, wDim, resolution, up: 2, convClamp: convClamp));
            NumConv++;
        }
        register_module("conv1", conv1 = new SynthesisLayer(outChannels, outChannels, wDim, resolution, convClamp: convClamp));
        NumConv++;

        if (isLast || architecture == Architecture.Skip)
        {
            register_module("torgb", torgb = new ToRgbLayer(outChannels, imgChannels, wDim, convClamp: convClamp));
            NumToRgb++;
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
    public (Tensor X, Tensor? Img) forward(Tensor? x, Tensor? img, Tensor ws, NoiseMode noiseMode, bool? fusedModconv, torch.Generator? noiseGenerator = null) =>
        Intermediates.Keep(() =>
        {
            var w = ws.unbind(1);
            int next = 0;

            if (inChannels == 0)
            {
                x = @const!.unsqueeze(0).repeat(ws.shape[0], 1, 1, 1);
                x = conv1.forward(x, w[next++], noiseMode, fusedModconv, noiseGenerator: noiseGenerator);
            }
            else if (architecture == Architecture.Resnet)
            {
                var y = skip!.forward(x!, gain: Math.Sqrt(0.5));
                x = conv0!.forward(x!, w[next++], noiseMode, fusedModconv, noiseGenerator: noiseGenerator);
                x = conv1.forward(x, w[next++], noiseMode, fusedModconv, gain: Math.Sqrt(0.5), noiseGenerator: noiseGenerator);
                x = y + x;
            }
            else
            {
                x = conv0!.forward(x!, w[next++], noiseMode, fusedModconv, noiseGenerator: noiseGenerator);
                x = conv1.forward(x, w[next++], noiseMode, fusedModconv, noiseGenerator: noiseGenerator);
            }

            if (img is not null) img = Upfirdn2d.Upsample2d(img, resample_filter);
            if (torgb is not null)
            {
                var y = torgb.forward(x, w[next], fusedModconv);
                img = img is null ? y : img + y;
            }
            return (x, img);
        });
}
