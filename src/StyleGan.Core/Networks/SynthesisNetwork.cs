using TorchSharp;
using StyleGan.Layers;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>Builds the image from a learned 4x4 constant, block by block up to the output resolution, driven by ws.</summary>
public sealed class SynthesisNetwork : nn.Module
{
    readonly List<(int Resolution, SynthesisBlock Block)> blocks = new();
    readonly int wDim;

    /// <summary>Number of ws the network consumes: one per convolution plus the final toRGB.</summary>
    public int NumWs { get; }

    /// <summary>Resolution of the generated images.</summary>
    public int ImgResolution { get; }

    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="imgResolution">Output resolution (power of two).</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="config">Channel rule, architecture and clamp.</param>
    public SynthesisNetwork(int wDim, int imgResolution, int imgChannels, SynthesisConfig config) : base(nameof(SynthesisNetwork))
    {
        this.wDim = wDim;
        ImgResolution = imgResolution;
        int log2 = ChannelRule.Log2Resolution(imgResolution);
        int Channels(int res) => ChannelRule.Channels(config.ChannelBase, config.ChannelMax, res);
        for (int i = 2; i <= log2; i++)
        {
            int res = 1 << i;
            bool isLast = res == imgResolution;
            var block = new SynthesisBlock(res > 4 ? Channels(res / 2) : 0, Channels(res), wDim, res, imgChannels, isLast,
                config.Architecture, config.ConvClamp);
            NumWs += block.NumConv + (isLast ? block.NumToRgb : 0);
            blocks.Add((res, block));
            register_module($"b{res}", block);
        }
    }

    /// <summary>Every synthesis convolution with its name in the state dict ("b8.conv0") and the index of the w it takes.</summary>
    public IEnumerable<(string Name, int WIndex, SynthesisLayer Layer)> Layers()
    {
        int wIndex = 0;
        foreach (var (resolution, block) in blocks)
            foreach (var (name, layer) in block.Layers)
                yield return ($"b{resolution}.{name}", wIndex++, layer);
    }

    /// <param name="ws">[N, NumWs, w_dim].</param>
    /// <param name="noiseMode">Random, constant or no noise.</param>
    /// <param name="fusedModconv">
    /// Grouped-convolution path or activation-scaling path. Default: unfused in training mode, as the official code;
    /// in eval mode the choice of <see cref="StyleGan.Runtime.ModulatedConvChoice"/> (fused on CUDA, measured per
    /// shape and batch on CPU).
    /// </param>
    /// <param name="noiseGenerator">Random stream for NoiseMode.Random.</param>
    public Tensor forward(Tensor ws, NoiseMode noiseMode = NoiseMode.Random, bool? fusedModconv = null, torch.Generator? noiseGenerator = null)
    {
        if (ws.ndim != 3 || ws.shape[1] != NumWs || ws.shape[2] != wDim)
            throw new ArgumentException($"ws must be [N, {NumWs}, {wDim}], got [{string.Join(", ", ws.shape)}].", nameof(ws));
        bool? fused = fusedModconv ?? (training ? false : null);
        ws = ws.to(blocks[0].Block.DType);
        Tensor? x = null, img = null;
        int wIndex = 0;
        foreach (var (_, block) in blocks)
        {
            var blockWs = ws.narrow(1, wIndex, block.NumConv + block.NumToRgb);
            wIndex += block.NumConv;
            (x, img) = block.forward(x, img, blockWs, noiseMode, fused, noiseGenerator);
        }
        return img!;
    }
}
