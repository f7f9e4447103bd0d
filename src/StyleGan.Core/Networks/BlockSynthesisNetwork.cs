using StyleGan.Distributed;
using TorchSharp;
using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// The synthesis network of the block families (StyleGAN2, StyleGAN 2019, Progressive GAN): builds the image from the
/// 4x4 input, block by block up to the output resolution, driven by ws. A growing network (progressive growing, the
/// 2019 family) runs the blocks up to its lod, fades the newest one in, and up-samples the result to the output
/// resolution as the original's "recursive" structure does.
/// </summary>
public sealed class BlockSynthesisNetwork : SynthesisNetwork
{
    readonly List<(int Resolution, SynthesisBlock Block)> blocks = new();
    readonly Tensor? lod;
    readonly int wDim;

    /// <summary>Number of ws the network consumes: one per synthesis layer plus the final toRGB when it is modulated.</summary>
    public override int NumWs { get; }

    /// <summary>Resolution of the generated images.</summary>
    public override int ImgResolution { get; }

    /// <summary>Whether the network grows progressively (see <see cref="Lod"/>).</summary>
    public override bool Growing => lod is not null;

    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="imgResolution">Output resolution (power of two).</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="config">Channel rule, architecture, normalization, input, noise, resampling, growing and clamp.</param>
    public BlockSynthesisNetwork(int wDim, int imgResolution, int imgChannels, SynthesisConfig config) : base(nameof(BlockSynthesisNetwork))
    {
        this.wDim = wDim;
        ImgResolution = imgResolution;
        int log2 = ChannelRule.Log2Resolution(imgResolution);
        int Channels(int res) => ChannelRule.Channels(config.ChannelBase, config.ChannelMax, res);
        var family = SynthesisFamily.Of(config);
        for (int i = 2; i <= log2; i++)
        {
            int res = 1 << i;
            bool isLast = res == imgResolution;
            var block = new SynthesisBlock(family.Block(res > 4 ? Channels(res / 2) : 0, Channels(res), wDim, res, imgChannels, isLast), family.ToRgbWs);
            NumWs += block.NumConv + (isLast ? block.NumToRgb : 0);
            blocks.Add((res, block));
            register_module($"b{res}", block);
        }
        if (config.Growing) register_buffer("lod", lod = zeros(Array.Empty<long>()));
    }

    /// <summary>
    /// The level of detail of a growing network (0: full resolution; k: the resolution / 2^k; between: a fade), as
    /// the training schedule sets it. Part of the state dict, so a saved network generates at the lod it was saved at.
    /// </summary>
    public override double Lod
    {
        get => LevelOfDetail.Get(lod);
        set => LevelOfDetail.Set(lod, value, MaxLod);
    }

    /// <summary>The lowest level of detail: the 4x4 output.</summary>
    public override int MaxLod => LevelOfDetail.Of(ImgResolution, 4);

    /// <summary>How many of the ws the network at its lod uses: the layers of the inactive resolutions take none (the original's cur_layers).</summary>
    public override int ActiveNumWs => NumWs - 2 * (int)Math.Floor(Lod);

    /// <summary>Every synthesis layer with its name in the state dict ("b8.conv0") and the index of the w it takes.</summary>
    public override IEnumerable<(string Name, int WIndex, ISynthesisLayer Layer)> Layers()
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
    /// <param name="noiseScale">Multiplies every layer's noise (1: as trained).</param>
    /// <param name="observe">Called with each layer's output under its name, while alive (see <see cref="SynthesisBlock.forward"/>); null: none.</param>
    /// <param name="updateEmas">Ignored: the block families track no moving averages in synthesis.</param>
    /// <param name="share">The rows of a minibatch that several ranks compute together that ws are (noise is drawn for the whole minibatch); null: all of it.</param>
    public override Tensor forward(Tensor ws, NoiseMode noiseMode = NoiseMode.Random, bool? fusedModconv = null, torch.Generator? noiseGenerator = null,
        double noiseScale = 1, Action<string, Tensor>? observe = null, bool updateEmas = false, BatchShare? share = null)
    {
        if (ws.ndim != 3 || ws.shape[1] != NumWs || ws.shape[2] != wDim)
            throw new ArgumentException($"ws must be [N, {NumWs}, {wDim}], got [{string.Join(", ", ws.shape)}].", nameof(ws));
        var call = new SynthesisCall(noiseMode, fusedModconv ?? (training ? false : null), noiseGenerator, noiseScale, Share: share);
        ws = ws.to(blocks[0].Block.DType);
        return Growing ? Grow(ws, call, observe) : Intermediates.Keep(() =>
        {
            Tensor? x = null, img = null;
            int wIndex = 0;
            foreach (var (_, block) in blocks)
            {
                var blockWs = ws.narrow(1, wIndex, block.NumConv + block.NumToRgb);
                wIndex += block.NumConv;
                (x, img) = block.forward(x, img, blockWs, call, observe);
            }
            return img!;
        });
    }

    // The blocks up to the lod, each block's toRGB image faded over the up-sampled image of the blocks before.
    Tensor Grow(Tensor ws, SynthesisCall call, Action<string, Tensor>? observe) => Intermediates.Keep(() =>
    {
        double level = Lod;
        Tensor? x = null, img = null;
        int wIndex = 0, imgResolution = 0;
        foreach (var (resolution, block) in blocks)
        {
            double t = LevelOfDetail.FadeWeight(level, LevelOfDetail.Of(ImgResolution, resolution));
            if (t >= 1) break;
            var blockWs = ws.narrow(1, wIndex, block.NumConv);
            wIndex += block.NumConv;
            Tensor? y;
            (x, y) = block.forward(x, null, blockWs, call, observe);
            img = img is null ? y! : LevelOfDetail.Blend(y!, BoxResample.UpscaleNearest(img), t);
            imgResolution = resolution;
        }
        return BoxResample.UpscaleNearest(img!, ImgResolution / imgResolution);
    });
}
