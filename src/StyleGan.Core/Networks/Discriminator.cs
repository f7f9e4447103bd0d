using StyleGan.Configs;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// The discriminator: blocks from the image resolution down to 8x8, then the 4x4 epilogue; conditional via a projected
/// label embedding. StyleGAN2's by default; a growing one (Progressive GAN's, the 2019 family) starts at the
/// resolution of its lod, from that block's fromRGB, and fades the block in over the next one's.
/// </summary>
public sealed class Discriminator : nn.Module
{
    readonly List<(int Resolution, DiscriminatorBlock Block)> blocks = new();
    readonly MappingNetwork? mapping;
    readonly DiscriminatorEpilogue epilogue;
    readonly Tensor? lod;

    public DiscriminatorConfig Config { get; }

    /// <param name="config">Label size, resolution, channels, architecture, resampling, growing and the mapping/epilogue arguments.</param>
    public Discriminator(DiscriminatorConfig config) : base(nameof(Discriminator))
    {
        Config = config;
        int log2 = ChannelRule.Log2Resolution(config.ImgResolution);
        int Channels(int res) => ChannelRule.Channels(config.ChannelBase, config.ChannelMax, res);
        int cmapDim = config.CDim == 0 ? 0 : config.CmapDim ?? Channels(4);

        for (int i = log2; i > 2; i--)
        {
            int res = 1 << i;
            var block = new DiscriminatorBlock(res < config.ImgResolution ? Channels(res) : 0, Channels(res), Channels(res / 2),
                config.ImgChannels, config.Architecture, config.ConvClamp, config.Resampling, config.Growing);
            blocks.Add((res, block));
            register_module($"b{res}", block);
        }
        if (config.CDim > 0)
        {
            var mappingConfig = config.MappingKwargs with { WAvgBeta = null };
            register_module("mapping", mapping = new MappingNetwork(0, config.CDim, cmapDim, null, mappingConfig));
        }
        epilogue = new DiscriminatorEpilogue(Channels(4), cmapDim, 4, config.ImgChannels, config.Architecture, config.EpilogueKwargs, config.ConvClamp, config.Growing);
        register_module("b4", epilogue);
        if (config.Growing) register_buffer("lod", lod = zeros(Array.Empty<long>()));
    }

    /// <summary>
    /// The blocks' layers from the highest resolution down, as NVIDIA's Discriminator numbers them for Freeze-D
    /// (freeze_layers); the epilogue and the label mapping are never frozen.
    /// </summary>
    public IEnumerable<nn.Module> BlockLayers => blocks.SelectMany(b => b.Block.Layers);

    /// <summary>The level of detail of a growing network, as <see cref="SynthesisNetwork.Lod"/>.</summary>
    public double Lod
    {
        get => LevelOfDetail.Get(lod);
        set => LevelOfDetail.Set(lod, value, LevelOfDetail.Of(Config.ImgResolution, 4));
    }

    /// <param name="img">Images [N, C, H, W] in [-1, 1].</param>
    /// <param name="c">Labels [N, c_dim] (null when unconditional).</param>
    /// <returns>Logits [N, 1].</returns>
    public Tensor forward(Tensor img, Tensor? c)
    {
        var expected = new long[] { Config.ImgChannels, Config.ImgResolution, Config.ImgResolution };
        if (img.ndim != 4 || !img.shape.Skip(1).SequenceEqual(expected))
            throw new ArgumentException($"Images must be [N, {string.Join(", ", expected)}], got [{string.Join(", ", img.shape)}].", nameof(img));
        Tensor? x = null;
        Tensor? image = img;
        if (lod is null)
            foreach (var (_, block) in blocks) (x, image) = block.forward(x, image);
        else
            (x, image) = Grow(img);
        var cmap = mapping?.forward(null, c);
        return epilogue.forward(x!, image, cmap);
    }

    // From the block of the lod's resolution down, its features faded over the next block's fromRGB of the half-size image.
    (Tensor X, Tensor? Img) Grow(Tensor img)
    {
        double level = Lod;
        int top = LevelOfDetail.ActiveResolution(Config.ImgResolution, level);
        double t = level - Math.Floor(level);
        var image = BoxResample.DownscaleAverage(img, Config.ImgResolution / top);
        if (top == 4) return (epilogue.ReadImage(image), null);
        Tensor? x = null;
        foreach (var (resolution, block) in blocks.Where(b => b.Resolution <= top))
        {
            x = block.forward(x, x is null ? image : null).X;
            if (resolution == top && t > 0)
            {
                var half = BoxResample.DownscaleAverage(image);
                var lower = resolution == 8 ? epilogue.ReadImage(half) : blocks.First(b => b.Resolution == resolution / 2).Block.ReadImage(half);
                x = LevelOfDetail.Blend(x, lower, t);
            }
        }
        return (x!, null);
    }
}
