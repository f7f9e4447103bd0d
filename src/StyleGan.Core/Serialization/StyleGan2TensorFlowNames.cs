using System.Text.RegularExpressions;
using StyleGan.Configs;
using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>
/// StyleGAN2's TensorFlow networks (<c>G_main</c> with <c>G_mapping</c> and <c>G_synthesis_stylegan2</c>,
/// <c>D_stylegan2</c>) as our configs and tensors, the way NVIDIA's <c>legacy.py</c> converts them: the same kwargs
/// with the same defaults, the same name table (kernels [kh, kw, in, out] to [out, in, kh, kw], up-sampling kernels
/// flipped, style biases plus 1). One default differs: D's minibatch-stddev group is TF's 4, not legacy.py's whole batch.
/// </summary>
internal static partial class StyleGan2TensorFlowNames
{
    /// <summary>The generator's config, and its tensors (made when asked for, so that a caller's dispose scope holds them).</summary>
    /// <param name="g">A G_main network.</param>
    /// <param name="what">The file and network, for messages.</param>
    public static (GeneratorConfig Config, Func<Dictionary<string, Tensor>> Tensors) Generator(TensorFlowNetwork g, string what)
    {
        g.Component("mapping", "G_mapping", what);
        g.Component("synthesis", "G_synthesis_stylegan2", what);
        var k = new TensorFlowKwargs(g.StaticKwargs, what);
        k.Ignore("truncation_psi", "truncation_cutoff", "style_mixing_prob", "structure"); // what legacy.py lets through
        int zDim = k.Int("latent_size", 512)!.Value, cDim = k.Int("label_size", 0)!.Value, wDim = k.Int("dlatent_size", 512)!.Value;
        int resolution = k.Int("resolution", 1024)!.Value, channels = k.Int("num_channels", 3)!.Value;
        var mapping = new MappingConfig
        {
            NumLayers = k.Int("mapping_layers", 8)!.Value,
            EmbedFeatures = k.Int("label_fmaps", null),
            LayerFeatures = k.Int("mapping_fmaps", null),
            Activation = Activation(k.OneOf("mapping_nonlinearity", "'lrelu'", "'relu'", "'linear'")),
            LrMultiplier = k.Double("mapping_lrmul", 0.01)!.Value,
            WAvgBeta = k.Double("w_avg_beta", 0.995, none: 1),
        };
        int channelBase = 2 * k.Int("fmap_base", 16384)!.Value, channelMax = k.Int("fmap_max", 512)!.Value;
        int fp16Res = k.Int("num_fp16_res", 0)!.Value;
        double? convClamp = k.Double("conv_clamp", null);
        var architecture = Architecture(k.OneOf("architecture", "'skip'", "'resnet'", "'orig'"));
        k.OneOf("resample_kernel", "[1, 3, 3, 1]");
        bool useNoise = k.OneOf("use_noise", "True", "False") == "True";
        k.OneOf("nonlinearity", "'lrelu'");
        k.CheckAllRead();
        var config = new GeneratorConfig
        {
            ZDim = zDim,
            CDim = cDim,
            WDim = wDim,
            ImgResolution = resolution,
            ImgChannels = channels,
            MappingKwargs = mapping,
            SynthesisKwargs = new SynthesisConfig
            {
                ChannelBase = channelBase,
                ChannelMax = channelMax,
                NumFp16Res = fp16Res,
                ConvClamp = convClamp,
                Architecture = architecture,
                UseNoise = useNoise,
            },
        };
        return (config, () => g.Rename(what, name => GeneratorName(name, resolution)));
    }

    /// <summary>The discriminator's config, and its tensors (made when asked for).</summary>
    /// <param name="d">A D_stylegan2 network.</param>
    /// <param name="what">The file and network, for messages.</param>
    public static (DiscriminatorConfig Config, Func<Dictionary<string, Tensor>> Tensors) Discriminator(TensorFlowNetwork d, string what)
    {
        var k = new TensorFlowKwargs(d.StaticKwargs, what);
        k.Ignore("structure", "freeze_layers"); // Freeze-D only chose which weights trained
        int cDim = k.Int("label_size", 0)!.Value, resolution = k.Int("resolution", 1024)!.Value, channels = k.Int("num_channels", 3)!.Value;
        var architecture = Architecture(k.OneOf("architecture", "'resnet'", "'skip'", "'orig'"));
        int channelBase = 2 * k.Int("fmap_base", 16384)!.Value, channelMax = k.Int("fmap_max", 512)!.Value;
        int fp16Res = k.Int("num_fp16_res", 0)!.Value;
        double? convClamp = k.Double("conv_clamp", null);
        int? mappingFmaps = k.Int("mapping_fmaps", null);
        k.OneOf("nonlinearity", "'lrelu'");
        k.OneOf("resample_kernel", "[1, 3, 3, 1]");
        var config = new DiscriminatorConfig
        {
            CDim = cDim,
            ImgResolution = resolution,
            ImgChannels = channels,
            Architecture = architecture,
            ChannelBase = channelBase,
            ChannelMax = channelMax,
            NumFp16Res = fp16Res,
            ConvClamp = convClamp,
            CmapDim = mappingFmaps,
            MappingKwargs = new MappingConfig
            {
                NumLayers = k.Int("mapping_layers", 0)!.Value,
                EmbedFeatures = mappingFmaps,
                LayerFeatures = mappingFmaps,
                LrMultiplier = k.Double("mapping_lrmul", 0.1)!.Value,
            },
            // D_stylegan2's default group of 4 (legacy.py makes it the whole minibatch, which is not the TF network's function).
            EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = k.Int("mbstd_group_size", 4), MbstdNumChannels = k.Int("mbstd_num_features", 1)!.Value },
        };
        k.CheckAllRead();
        return (config, () => d.Rename(what, name => DiscriminatorName(name, resolution)));
    }

    static Ops.Activation Activation(string name) => name switch
    {
        "'relu'" => Ops.Activation.Relu,
        "'linear'" => Ops.Activation.Linear,
        _ => Ops.Activation.Lrelu,
    };

    static Architecture Architecture(string name) => name switch
    {
        "'resnet'" => Configs.Architecture.Resnet,
        "'orig'" => Configs.Architecture.Orig,
        _ => Configs.Architecture.Skip,
    };

    static Tensor Kernel(Tensor x) => x.permute(3, 2, 0, 1);

    static Tensor FlippedKernel(Tensor x) => Kernel(x).flip(2, 3);

    // A modulated layer's weights and its affine layer (whose bias TF keeps as an offset from 1).
    static VariableTarget? Modulated(string layer, string leaf, Func<Tensor, Tensor> kernel) => leaf switch
    {
        "weight" => new(layer + ".weight", kernel),
        "bias" => new(layer + ".bias", x => x),
        "noise_strength" => new(layer + ".noise_strength", x => x),
        "mod_weight" => new(layer + ".affine.weight", x => x.t()),
        "mod_bias" => new(layer + ".affine.bias", x => x + 1),
        _ => null,
    };

    static VariableTarget? GeneratorName(string name, int resolution)
    {
        if (name == "dlatent_avg") return new("mapping.w_avg", x => x);
        if (name == "lod") return null; // G_main's progressive-growing switch; StyleGAN2 does not grow
        var match = MappingVariable().Match(name);
        if (match.Success)
        {
            string layer = match.Groups[1].Value == "LabelEmbed" ? "mapping.embed" : $"mapping.fc{match.Groups[2].Value}";
            return new($"{layer}.{match.Groups[3].Value}", match.Groups[3].Value == "weight" ? x => x.t() : x => x);
        }
        if (name == "synthesis/4x4/Const/const") return new("synthesis.b4.const", x => x[0]);
        if ((match = NoiseVariable().Match(name)).Success)
        {
            // noise0 is b4.conv1's; then conv0 and conv1 of each resolution from 8x8.
            int index = int.Parse(match.Groups[1].Value);
            string layer = index == 0 ? "synthesis.b4.conv1" : $"synthesis.b{4 << (index + 1) / 2}.{(index % 2 == 1 ? "conv0" : "conv1")}";
            return new(layer + ".noise_const", x => x[0, 0]);
        }
        if ((match = ToRgbLodVariable().Match(name)).Success)
            return Modulated($"synthesis.b{resolution >> int.Parse(match.Groups[1].Value)}.torgb", match.Groups[2].Value, Kernel) ?? Unknown(name);
        if (!(match = SynthesisVariable().Match(name)).Success) return Unknown(name);
        int res = int.Parse(match.Groups[1].Value);
        string scope = match.Groups[2].Value, leaf = match.Groups[3].Value;
        return (res, scope, leaf) switch
        {
            (4, "Conv", _) => Modulated("synthesis.b4.conv1", leaf, Kernel),
            (> 4, "Conv0_up", _) => Modulated($"synthesis.b{res}.conv0", leaf, FlippedKernel),
            (> 4, "Conv1", _) => Modulated($"synthesis.b{res}.conv1", leaf, Kernel),
            (_, "ToRGB", _) => Modulated($"synthesis.b{res}.torgb", leaf, Kernel),
            (> 4, "Skip", "weight") => new($"synthesis.b{res}.skip.weight", FlippedKernel),
            _ => null,
        } ?? Unknown(name);
    }

    static VariableTarget? DiscriminatorName(string name, int resolution)
    {
        if (name == "lod") return null;
        var match = DenseVariable().Match(name);
        if (match.Success)
        {
            string layer = match.Groups[1].Value switch
            {
                "LabelEmbed" => "mapping.embed",
                "Output" => "b4.out",
                _ => $"mapping.fc{match.Groups[2].Value}",
            };
            return new($"{layer}.{match.Groups[3].Value}", match.Groups[3].Value == "weight" ? x => x.t() : x => x);
        }
        if ((match = FromRgbLodVariable().Match(name)).Success)
            return Layer($"b{resolution >> int.Parse(match.Groups[1].Value)}.fromrgb", match.Groups[2].Value, Kernel);
        if (!(match = DiscriminatorVariable().Match(name)).Success) return Unknown(name);
        int res = int.Parse(match.Groups[1].Value);
        string scope = match.Groups[2].Value, leaf = match.Groups[3].Value;
        return (res, scope) switch
        {
            (_, "FromRGB") => Layer($"b{res}.fromrgb", leaf, Kernel),
            (> 4, "Conv0") => Layer($"b{res}.conv0", leaf, Kernel),
            (> 4, "Conv1_down") => Layer($"b{res}.conv1", leaf, Kernel),
            (> 4, "Skip") when leaf == "weight" => new($"b{res}.skip.weight", Kernel),
            (4, "Conv") => Layer("b4.conv", leaf, Kernel),
            (4, "Dense0") => Layer("b4.fc", leaf, x => x.t()),
            _ => null,
        } ?? Unknown(name);
    }

    static VariableTarget? Layer(string layer, string leaf, Func<Tensor, Tensor> weight) => leaf switch
    {
        "weight" => new(layer + ".weight", weight),
        "bias" => new(layer + ".bias", x => x),
        _ => null,
    };

    static VariableTarget Unknown(string name) =>
        throw new InvalidDataException($"the variable '{name}' has no counterpart in our network (legacy.py would not convert it either).");

    [GeneratedRegex(@"^mapping/(Dense(\d+)|LabelEmbed)/(weight|bias)$")]
    private static partial Regex MappingVariable();

    [GeneratedRegex(@"^(Mapping(\d+)|LabelEmbed|Output)/(weight|bias)$")]
    private static partial Regex DenseVariable();

    [GeneratedRegex(@"^synthesis/noise(\d+)$")]
    private static partial Regex NoiseVariable();

    [GeneratedRegex(@"^synthesis/ToRGB_lod(\d+)/(\w+)$")]
    private static partial Regex ToRgbLodVariable();

    [GeneratedRegex(@"^FromRGB_lod(\d+)/(\w+)$")]
    private static partial Regex FromRgbLodVariable();

    [GeneratedRegex(@"^synthesis/(\d+)x\1/(\w+)/(\w+)$")]
    private static partial Regex SynthesisVariable();

    [GeneratedRegex(@"^(\d+)x\1/(\w+)/(\w+)$")]
    private static partial Regex DiscriminatorVariable();
}
