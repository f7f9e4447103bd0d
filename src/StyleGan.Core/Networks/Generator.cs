using TorchSharp;
using StyleGan.Configs;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// The generator of every family built here (StyleGAN2, StyleGAN 2019, Progressive GAN, StyleGAN3; its config chooses the parts):
/// mapping z -> w, then synthesis w -> image. Parameter names follow the official state dict (StyleGAN2-ADA's; the
/// README's naming contract for the 2019 networks).
/// </summary>
public sealed class Generator : nn.Module
{
    public GeneratorConfig Config { get; }
    public MappingNetwork Mapping { get; }
    public SynthesisNetwork Synthesis { get; }

    /// <param name="config">Latent sizes, resolution, channels, mapping and synthesis arguments.</param>
    public Generator(GeneratorConfig config) : base(nameof(Generator))
    {
        Config = config;
        Synthesis = SynthesisNetwork.Of(config.WDim, config.ImgResolution, config.ImgChannels, config.SynthesisKwargs);
        Mapping = new MappingNetwork(config.ZDim, config.CDim, config.WDim, Synthesis.NumWs, config.MappingKwargs);
        register_module("synthesis", Synthesis);
        register_module("mapping", Mapping);
    }

    /// <summary>Number of ws the synthesis network consumes.</summary>
    public int NumWs => Synthesis.NumWs;

    /// <param name="z">Latents [N, z_dim].</param>
    /// <param name="c">Labels [N, c_dim] (null when unconditional).</param>
    /// <param name="truncationPsi">1 = no truncation.</param>
    /// <param name="truncationCutoff">Truncate only the first this-many ws.</param>
    /// <param name="noiseMode">Random, constant or no noise.</param>
    /// <param name="fusedModconv">Grouped-convolution path or not (default: see SynthesisNetwork.forward).</param>
    /// <param name="noiseGenerator">Random stream for NoiseMode.Random.</param>
    public Tensor forward(Tensor z, Tensor? c, double truncationPsi = 1, int? truncationCutoff = null, NoiseMode noiseMode = NoiseMode.Random,
        bool? fusedModconv = null, torch.Generator? noiseGenerator = null)
    {
        var ws = Mapping.forward(z, c, truncationPsi, truncationCutoff);
        return Synthesis.forward(ws, noiseMode, fusedModconv, noiseGenerator);
    }
}
