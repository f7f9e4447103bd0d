using StyleGan.Networks;

namespace StyleGan.Bench;

/// <summary>A network shape to measure: the generator and discriminator configs of one preset.</summary>
public sealed record BenchShape(string Name, GeneratorConfig G, DiscriminatorConfig D)
{
    /// <summary>The shapes named in the foundation issue, to be compared side by side with the official networks.</summary>
    public static readonly IReadOnlyList<BenchShape> All = new[]
    {
        Make("cifar32", resolution: 32, channelBase: 16384, channelMax: 512, mappingLayers: 2, latent: 512),
        Make("small64", resolution: 64, channelBase: 4096, channelMax: 128, mappingLayers: 2, latent: 128),
    };

    static BenchShape Make(string name, int resolution, int channelBase, int channelMax, int mappingLayers, int latent) => new(name,
        new GeneratorConfig
        {
            ZDim = latent, WDim = latent, ImgResolution = resolution, ImgChannels = 3,
            MappingKwargs = new MappingConfig { NumLayers = mappingLayers },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = channelBase, ChannelMax = channelMax },
        },
        new DiscriminatorConfig { ImgResolution = resolution, ImgChannels = 3, ChannelBase = channelBase, ChannelMax = channelMax });
}
