using System.Text.RegularExpressions;
using StyleGan.Configs;
using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>
/// StyleGAN's (2019: <c>G_style</c>, <c>D_basic</c>) and Progressive GAN's (<c>G_paper</c>, <c>D_paper</c>) TensorFlow
/// networks as our configs and tensors: the README's "naming contract of the 2019 networks" as code. The original
/// folds He's sqrt 2 into every layer before a leaky ReLU, ours multiplies the activation by it, so the biases, noise
/// weights and the const before one are divided by sqrt 2; TF's [kh, kw, in, out] kernels become [out, in, kh, kw].
/// </summary>
internal static partial class StyleGan1TensorFlowNames
{
    static readonly double Sqrt2 = Math.Sqrt(2);

    /// <summary>The generator's config, and its tensors (made when asked for, so that a caller's dispose scope holds them), from a G_style (StyleGAN) or G_paper (Progressive GAN) network.</summary>
    /// <param name="g">The network.</param>
    /// <param name="what">The file and network, for messages.</param>
    public static (GeneratorConfig Config, Func<Dictionary<string, Tensor>> Tensors) Generator(TensorFlowNetwork g, string what) => g.BuildFunction switch
    {
        "G_style" => StyleGanGenerator(g, what),
        "G_paper" => ProGanGenerator(g, what),
        _ => throw new ArgumentException($"{g.BuildFunction} is not a 2019 generator.", nameof(g)),
    };

    /// <summary>The discriminator's config, and its tensors (made when asked for), from a D_basic (StyleGAN) or D_paper (Progressive GAN) network.</summary>
    /// <param name="d">The network.</param>
    /// <param name="what">The file and network, for messages.</param>
    public static (DiscriminatorConfig Config, Func<Dictionary<string, Tensor>> Tensors) Discriminator(TensorFlowNetwork d, string what)
    {
        bool progan = d.BuildFunction == "D_paper";
        var k = new TensorFlowKwargs(d.StaticKwargs, what);
        k.Ignore("structure", "is_template_graph");
        int channels = k.Int("num_channels", 1)!.Value, resolution = k.Int("resolution", 32)!.Value;
        k.OneOf("label_size", "0");
        int channelBase = 2 * k.Int("fmap_base", 8192)!.Value, channelMax = k.Int("fmap_max", 512)!.Value;
        k.OneOf("fmap_decay", "1.0");
        k.OneOf("use_wscale", "True");
        k.OneOf("dtype", "'float32'");
        int groupSize = k.Int("mbstd_group_size", 4)!.Value;
        int features = progan ? 1 : k.Int("mbstd_num_features", 1)!.Value;
        bool blur = false;
        if (progan)
        {
            // Unfused, D_paper applies the leaky ReLU before the pooling; fused (its default) after it, as ours.
            k.OneOf("fused_scale", "True");
        }
        else
        {
            k.OneOf("nonlinearity", "'lrelu'");
            k.OneOf("fused_scale", "'auto'", "True", "False"); // fused or not, conv then 2x2 average computes the same
            blur = k.OneOf("blur_filter", "[1, 2, 1]", "None") != "None";
        }
        k.CheckAllRead();
        var config = new DiscriminatorConfig
        {
            ImgResolution = resolution,
            ImgChannels = channels,
            Architecture = Architecture.Orig,
            ChannelBase = channelBase,
            ChannelMax = channelMax,
            EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = groupSize > 1 ? groupSize : 4, MbstdNumChannels = groupSize > 1 ? features : 0 },
            Resampling = blur ? Resampling.NearestBlur : Resampling.Nearest,
            Growing = true,
        };
        return (config, () => d.Rename(what, name => DiscriminatorName(name, resolution)));
    }

    static (GeneratorConfig, Func<Dictionary<string, Tensor>>) StyleGanGenerator(TensorFlowNetwork g, string what)
    {
        g.Component("mapping", "G_mapping", what);
        g.Component("synthesis", "G_synthesis", what);
        var k = new TensorFlowKwargs(g.StaticKwargs, what);
        // Choices of a run (truncation, noise, mixing while training), not of the function.
        k.Ignore("truncation_psi", "truncation_psi_val", "truncation_cutoff_val", "style_mixing_prob", "is_training", "is_validation",
            "is_template_graph", "force_clean_graph", "randomize_noise", "structure", "dlatent_broadcast");
        int? cutoff = k.Int("truncation_cutoff", 8);
        double? wAvgBeta = k.Double("dlatent_avg_beta", 0.995);
        int zDim = k.Int("latent_size", 512)!.Value, wDim = k.Int("dlatent_size", 512)!.Value;
        k.OneOf("label_size", "0");
        int mappingLayers = k.Int("mapping_layers", 8)!.Value, mappingFmaps = k.Int("mapping_fmaps", 512)!.Value;
        double mappingLrmul = k.Double("mapping_lrmul", 0.01)!.Value;
        var mappingActivation = k.OneOf("mapping_nonlinearity", "'lrelu'", "'relu'") == "'relu'" ? Ops.Activation.Relu : Ops.Activation.Lrelu;
        k.OneOf("use_wscale", "True");
        k.OneOf("normalize_latents", "True");
        k.OneOf("dtype", "'float32'");
        int channels = k.Int("num_channels", 3)!.Value, resolution = k.Int("resolution", 1024)!.Value;
        int channelBase = 2 * k.Int("fmap_base", 8192)!.Value, channelMax = k.Int("fmap_max", 512)!.Value;
        k.OneOf("fmap_decay", "1.0");
        k.OneOf("use_styles", "True");
        bool constInput = k.OneOf("const_input_layer", "True", "False") == "True";
        bool useNoise = k.OneOf("use_noise", "True", "False") == "True";
        k.OneOf("nonlinearity", "'lrelu'");
        k.OneOf("use_pixel_norm", "False");
        k.OneOf("use_instance_norm", "True");
        string fused = k.OneOf("fused_scale", "'auto'", "True", "False");
        bool blur = k.OneOf("blur_filter", "[1, 2, 1]", "None") != "None";
        k.CheckAllRead();
        var config = new GeneratorConfig
        {
            ZDim = zDim,
            WDim = wDim,
            ImgResolution = resolution,
            ImgChannels = channels,
            MappingKwargs = new MappingConfig
            {
                NumLayers = mappingLayers,
                LayerFeatures = mappingFmaps == wDim ? null : mappingFmaps,
                Activation = mappingActivation,
                LrMultiplier = mappingLrmul,
                WAvgBeta = wAvgBeta,
                TruncationCutoff = cutoff is > 0 ? cutoff : null,
            },
            SynthesisKwargs = SynthesisKwargs(channelBase, channelMax, SynthesisNormalization.Adain,
                constInput ? SynthesisInput.Const : SynthesisInput.Dense, useNoise, blur ? Resampling.NearestBlur : Resampling.Nearest),
        };
        // upscale2d_conv2d's 'auto' fuses where the output is 128x128 or larger.
        bool Fused(int res) => fused == "True" || fused == "'auto'" && res >= 128;
        return (config, () => g.Rename(what, name => GeneratorName(name, "synthesis/", resolution, Fused, fusedOutFirst: false)));
    }

    static (GeneratorConfig, Func<Dictionary<string, Tensor>>) ProGanGenerator(TensorFlowNetwork g, string what)
    {
        var k = new TensorFlowKwargs(g.StaticKwargs, what);
        k.Ignore("structure", "is_template_graph");
        int channels = k.Int("num_channels", 1)!.Value, resolution = k.Int("resolution", 32)!.Value;
        k.OneOf("label_size", "0");
        int fmapBase = k.Int("fmap_base", 8192)!.Value, channelMax = k.Int("fmap_max", 512)!.Value;
        k.OneOf("fmap_decay", "1.0");
        int zDim = k.Int("latent_size", null) ?? Math.Min(fmapBase, channelMax);
        k.OneOf("normalize_latents", "True");
        k.OneOf("use_wscale", "True");
        k.OneOf("use_pixelnorm", "True");
        k.OneOf("pixelnorm_epsilon", "1e-08");
        k.OneOf("use_leakyrelu", "True");
        k.OneOf("dtype", "'float32'");
        bool fused = k.OneOf("fused_scale", "True", "False") == "True";
        k.CheckAllRead();
        var config = new GeneratorConfig
        {
            ZDim = zDim,
            WDim = zDim,
            ImgResolution = resolution,
            ImgChannels = channels,
            MappingKwargs = new MappingConfig { NumLayers = 0 },
            SynthesisKwargs = SynthesisKwargs(2 * fmapBase, channelMax, SynthesisNormalization.PixelNorm, SynthesisInput.Dense, false, Resampling.Nearest),
        };
        return (config, () => g.Rename(what, name => GeneratorName(name, "", resolution, _ => fused, fusedOutFirst: true)));
    }

    static SynthesisConfig SynthesisKwargs(int channelBase, int channelMax, SynthesisNormalization normalization, SynthesisInput input,
        bool useNoise, Resampling resampling) => new()
    {
        ChannelBase = channelBase,
        ChannelMax = channelMax,
        Architecture = Architecture.Orig,
        Normalization = normalization,
        Input = input,
        UseNoise = useNoise,
        Resampling = resampling,
        Growing = true,
    };

    static Tensor Same(Tensor x) => x;

    static Tensor OverSqrt2(Tensor x) => x / Sqrt2;

    static Tensor Transposed(Tensor x) => x.t();

    // [kh, kw, in, out] -> [out, in, kh, kw]
    static Tensor Kernel(Tensor x) => x.permute(3, 2, 0, 1);

    /// <summary>Layer i of the synthesis network, in TF's order (noise{i}): b4.input, b4.conv1, b8.conv0, b8.conv1, ...</summary>
    static string Layer(int index) => index switch
    {
        0 => "synthesis.b4.input",
        1 => "synthesis.b4.conv1",
        _ => $"synthesis.b{4 << index / 2}.{(index % 2 == 0 ? "conv0" : "conv1")}",
    };

    // What follows a layer's convolution: noise, bias and leaky ReLU, then (StyleGAN) the style.
    static VariableTarget? Epilogue(string layer, string rest) => rest switch
    {
        "bias" => new(layer + ".bias", OverSqrt2),
        "Noise/weight" => new(layer + ".noise_strength", OverSqrt2),
        "StyleMod/weight" => new(layer + ".affine.weight", Transposed),
        "StyleMod/bias" => new(layer + ".affine.bias", Same),
        _ => null,
    };

    /// <param name="name">A TF variable name (a G_style component's with its "mapping/" or "synthesis/" prefix).</param>
    /// <param name="synthesis">The synthesis variables' prefix ("" in Progressive GAN's flat network).</param>
    /// <param name="resolution">The output resolution.</param>
    /// <param name="fused">Whether the up-sampling convolution to a resolution is fused (conv2d_transpose, which applies the kernel flipped).</param>
    /// <param name="fusedOutFirst">Progressive GAN keeps a fused kernel as [kh, kw, out, in], StyleGAN as [kh, kw, in, out].</param>
    static VariableTarget? GeneratorName(string name, string synthesis, int resolution, Func<int, bool> fused, bool fusedOutFirst)
    {
        if (name == "dlatent_avg") return new("mapping.w_avg", Same);
        if (name == "lod") return new("synthesis.lod", Same);
        if (name == synthesis + "lod") return null; // G_style writes its own lod into the synthesis network's at every run
        var match = MappingVariable().Match(name);
        if (match.Success)
            return new($"mapping.fc{match.Groups[1].Value}.{match.Groups[2].Value}", match.Groups[2].Value == "weight" ? Transposed : OverSqrt2);
        if (!name.StartsWith(synthesis, StringComparison.Ordinal)) return Unknown(name);
        string local = name[synthesis.Length..];
        if ((match = NoiseVariable().Match(local)).Success)
            return new(Layer(int.Parse(match.Groups[1].Value)) + ".noise_const", x => x[0, 0]);
        if ((match = ToRgbVariable().Match(local)).Success)
        {
            string torgb = $"synthesis.b{resolution >> int.Parse(match.Groups[1].Value)}.torgb.{match.Groups[2].Value}";
            return new(torgb, match.Groups[2].Value == "weight" ? Kernel : Same);
        }
        if ((match = LayerVariable().Match(local)).Success)
        {
            int res = int.Parse(match.Groups[1].Value);
            string scope = match.Groups[2].Value, rest = match.Groups[3].Value;
            string layer = (res, scope) switch
            {
                (4, "Const" or "Dense") => "synthesis.b4.input",
                (4, "Conv") => "synthesis.b4.conv1",
                (_, "Conv0_up" or "Conv0") => $"synthesis.b{res}.conv0",
                (_, "Conv1") => $"synthesis.b{res}.conv1",
                _ => "",
            };
            if (layer.Length == 0) return Unknown(name);
            return (scope, rest) switch
            {
                ("Const", "const") => new(layer + ".const", x => x[0] / Sqrt2),
                ("Dense", "weight") => new(layer + ".weight", Transposed),
                ("Conv0_up", "weight") when fused(res) => new(layer + ".weight", x => (fusedOutFirst ? x.permute(2, 3, 0, 1) : Kernel(x)).flip(2, 3)),
                (_, "weight") => new(layer + ".weight", Kernel),
                _ => Epilogue(layer, rest) ?? Unknown(name),
            };
        }
        return Unknown(name);
    }

    static VariableTarget? DiscriminatorName(string name, int resolution)
    {
        if (name == "lod") return new("lod", Same);
        var match = FromRgbVariable().Match(name);
        if (match.Success)
            return new($"b{resolution >> int.Parse(match.Groups[1].Value)}.fromrgb.{match.Groups[2].Value}", match.Groups[2].Value == "weight" ? Kernel : OverSqrt2);
        if (!(match = LayerVariable().Match(name)).Success) return Unknown(name);
        int res = int.Parse(match.Groups[1].Value);
        string scope = match.Groups[2].Value, leaf = match.Groups[3].Value;
        string layer = (res, scope) switch
        {
            (4, "Conv") => "b4.conv",
            (4, "Dense0") => "b4.fc",
            (4, "Dense1") => "b4.out",
            (> 4, "Conv0") => $"b{res}.conv0",
            (> 4, "Conv1_down") => $"b{res}.conv1",
            _ => "",
        };
        if (layer.Length == 0 || leaf is not ("weight" or "bias")) return Unknown(name);
        if (leaf == "bias") return new(layer + ".bias", layer == "b4.out" ? Same : OverSqrt2); // the output layer is linear
        return new(layer + ".weight", scope.StartsWith("Dense", StringComparison.Ordinal) ? Transposed : Kernel);
    }

    static VariableTarget Unknown(string name) =>
        throw new InvalidDataException($"the variable '{name}' has no counterpart in our network (is the network of another configuration than its kwargs say?).");

    [GeneratedRegex(@"^mapping/Dense(\d+)/(weight|bias)$")]
    private static partial Regex MappingVariable();

    [GeneratedRegex(@"^noise(\d+)$")]
    private static partial Regex NoiseVariable();

    [GeneratedRegex(@"^ToRGB_lod(\d+)/(weight|bias)$")]
    private static partial Regex ToRgbVariable();

    [GeneratedRegex(@"^FromRGB_lod(\d+)/(weight|bias)$")]
    private static partial Regex FromRgbVariable();

    [GeneratedRegex(@"^(\d+)x\1/(\w+)/(.+)$")]
    private static partial Regex LayerVariable();
}
