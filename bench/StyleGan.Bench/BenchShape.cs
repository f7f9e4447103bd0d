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
        // The cpu-tiny preset's networks, in RGB: StyleGAN2 beside the StyleGAN3 CPU presets.
        Make("tiny32", resolution: 32, channelBase: 1024, channelMax: 64, mappingLayers: 2, latent: 128),
        // NVIDIA's FFHQ 1024 (config F): measured at batch 1, as a user generates from it.
        Make("ffhq1024", resolution: 1024, channelBase: 32768, channelMax: 512, mappingLayers: 8, latent: 512, convClamp: 256),
    };

    /// <summary>
    /// StyleGAN3's configs T and R at small64's and FFHQ-1024's sizes, as its train.py builds them (R doubles G's
    /// channels and takes 1x1 convolutions and radial filters; D is StyleGAN2's at the undoubled widths).
    /// </summary>
    public static readonly IReadOnlyList<BenchShape> StyleGan3 = new[]
    {
        // The stylegan3-t-cpu and stylegan3-r-cpu presets' networks (4 layers, margin 4, no doubling of R's channels), in RGB.
        MakeAliasFree("sg3t-cpu32", resolution: 32, channelBase: 1024, channelMax: 32, latent: 128, r: false, layers: 4, margin: 4),
        MakeAliasFree("sg3r-cpu32", resolution: 32, channelBase: 1024, channelMax: 32, latent: 128, r: true, layers: 4, margin: 4),
        MakeAliasFree("sg3t-small64", resolution: 64, channelBase: 4096, channelMax: 128, latent: 128, r: false),
        MakeAliasFree("sg3r-small64", resolution: 64, channelBase: 4096, channelMax: 128, latent: 128, r: true),
        MakeAliasFree("sg3t-ffhq1024", resolution: 1024, channelBase: 32768, channelMax: 512, latent: 512, r: false),
    };

    public static BenchShape Named(string name) => All.Concat(StyleGan3).FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown shape {name}; use {string.Join(", ", All.Concat(StyleGan3).Select(s => s.Name))}");

    static BenchShape MakeAliasFree(string name, int resolution, int channelBase, int channelMax, int latent, bool r, int? layers = null, int? margin = null)
    {
        var stylegan2 = Make(name, resolution, channelBase, channelMax, mappingLayers: 2, latent, convClamp: 256);
        int scale = r && layers is null ? 2 : 1;
        return stylegan2 with
        {
            G = stylegan2.G with
            {
                MappingKwargs = stylegan2.G.MappingKwargs with { WAvgBeta = 0.998 },
                SynthesisKwargs = new SynthesisConfig
                {
                    ChannelBase = channelBase * scale, ChannelMax = channelMax * scale, ConvClamp = 256, Architecture = Architecture.Orig,
                    Input = SynthesisInput.Fourier, ConvKernel = r ? 1 : null, UseRadialFilters = r ? true : null, NumLayers = layers, MarginSize = margin,
                },
            },
        };
    }

    static BenchShape Make(string name, int resolution, int channelBase, int channelMax, int mappingLayers, int latent, double? convClamp = null) => new(name,
        new GeneratorConfig
        {
            ZDim = latent, WDim = latent, ImgResolution = resolution, ImgChannels = 3,
            MappingKwargs = new MappingConfig { NumLayers = mappingLayers },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = channelBase, ChannelMax = channelMax, ConvClamp = convClamp },
        },
        new DiscriminatorConfig { ImgResolution = resolution, ImgChannels = 3, ChannelBase = channelBase, ChannelMax = channelMax, ConvClamp = convClamp });
}
