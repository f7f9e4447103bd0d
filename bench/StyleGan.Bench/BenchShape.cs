using StyleGan.Configs;

namespace StyleGan.Bench;

/// <summary>A network shape to measure: the generator and discriminator configs of one preset.</summary>
public sealed record BenchShape(string Name, GeneratorConfig G, DiscriminatorConfig D)
{
    /// <summary>The shapes named in the foundation issue, to be compared side by side with the official networks.</summary>
    public static readonly IReadOnlyList<BenchShape> All = new[]
    {
        Make("cifar32", resolution: 32, channelBase: 16384, channelMax: 512, mappingLayers: 2, latent: 512),
        Make("small64", resolution: 64, channelBase: 4096, channelMax: 128, mappingLayers: 2, latent: 128),
        // NVIDIA's FFHQ 1024 (config F): measured at batch 1, as a user generates from it.
        Make("ffhq1024", resolution: 1024, channelBase: 32768, channelMax: 512, mappingLayers: 8, latent: 512, convClamp: 256),
    };

    public static BenchShape Named(string name) => All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown shape {name}; use {string.Join(", ", All.Select(s => s.Name))}");

    static BenchShape Make(string name, int resolution, int channelBase, int channelMax, int mappingLayers, int latent, double? convClamp = null) => new(name,
        new GeneratorConfig
        {
            ZDim = latent, WDim = latent, ImgResolution = resolution, ImgChannels = 3,
            MappingKwargs = new MappingConfig { NumLayers = mappingLayers },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = channelBase, ChannelMax = channelMax, ConvClamp = convClamp },
        },
        new DiscriminatorConfig { ImgResolution = resolution, ImgChannels = 3, ChannelBase = channelBase, ChannelMax = channelMax, ConvClamp = convClamp });
}
