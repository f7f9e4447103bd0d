using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>The StyleGAN2 discriminator: blocks from the image resolution down to 8x8, then the 4x4 epilogue; conditional via a projected label embedding.</summary>
public sealed class Discriminator : nn.Module
{
    readonly List<DiscriminatorBlock> blocks = new();
    readonly MappingNetwork? mapping;
    readonly DiscriminatorEpilogue epilogue;

    public DiscriminatorConfig Config { get; }

    /// <param name="config">Label size, resolution, channels, architecture and the mapping/epilogue arguments.</param>
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
                config.ImgChannels, config.Architecture, config.ConvClamp);
            blocks.Add(block);
            register_module($"b{res}", block);
        }
        if (config.CDim > 0)
        {
            var mappingConfig = config.MappingKwargs with { WAvgBeta = null };
            register_module("mapping", mapping = new MappingNetwork(0, config.CDim, cmapDim, null, mappingConfig));
        }
        epilogue = new DiscriminatorEpilogue(Channels(4), cmapDim, 4, config.ImgChannels, config.Architecture, config.EpilogueKwargs, config.ConvClamp);
        register_module("b4", epilogue);
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
        foreach (var block in blocks) (x, image) = block.forward(x, image);
        var cmap = mapping?.forward(null, c);
        return epilogue.forward(x!, image, cmap);
    }
}
