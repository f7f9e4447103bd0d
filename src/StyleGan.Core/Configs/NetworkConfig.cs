using System.Text.Json;
using System.Text.Json.Serialization;

namespace StyleGan.Configs;

/// <summary>Arguments of the mapping network, as StyleGAN2-ADA's <c>mapping_kwargs</c>.</summary>
public sealed record MappingConfig
{
    /// <summary>Number of fully connected layers.</summary>
    public int NumLayers { get; init; } = 8;
    /// <summary>Label embedding size (w_dim when null).</summary>
    public int? EmbedFeatures { get; init; }
    /// <summary>Hidden layer width (w_dim when null).</summary>
    public int? LayerFeatures { get; init; }
    /// <summary>Activation of every layer.</summary>
    public Ops.Activation Activation { get; init; } = Ops.Activation.Lrelu;
    /// <summary>Learning-rate multiplier of every layer.</summary>
    public double LrMultiplier { get; init; } = 0.01;
    /// <summary>Decay of the tracked mean of w (null: not tracked).</summary>
    public double? WAvgBeta { get; init; } = 0.995;
    /// <summary>
    /// The truncation cutoff used where a truncation names none: 8 for the 2019 StyleGAN (G_style's
    /// truncation_cutoff, so only the coarse ws are truncated), null (every ws) for StyleGAN2's.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] // StyleGAN2's configs stay as NVIDIA writes them
    public int? TruncationCutoff { get; init; }
}

/// <summary>Arguments of the synthesis network, as StyleGAN2-ADA's <c>synthesis_kwargs</c>.</summary>
public sealed record SynthesisConfig
{
    /// <summary>Channels at resolution res: min(channel_base / res, channel_max).</summary>
    public int ChannelBase { get; init; } = 32768;
    /// <summary>Most channels of any layer.</summary>
    public int ChannelMax { get; init; } = 512;
    /// <summary>Accepted for compatibility; we compute in float32.</summary>
    public int NumFp16Res { get; init; }
    /// <summary>Clamp of convolution outputs (null: none).</summary>
    public double? ConvClamp { get; init; }
    /// <summary>How the blocks reach the image: skip (StyleGAN2), resnet or orig.</summary>
    public Architecture Architecture { get; init; } = Architecture.Skip;
    /// <summary>How styles reach the layers: demodulation (StyleGAN2), adain (StyleGAN 2019) or pixel_norm (Progressive GAN, no styles).</summary>
    public SynthesisNormalization Normalization { get; init; } = SynthesisNormalization.Demodulation;
    /// <summary>What synthesis starts from: a learned const, or the dense traditional input (2019 family only).</summary>
    public SynthesisInput Input { get; init; } = SynthesisInput.Const;
    /// <summary>Whether layers add per-pixel noise.</summary>
    public bool UseNoise { get; init; } = true;
    /// <summary>How layers up-sample: fir (StyleGAN2), nearest or nearest_blur (2019 family).</summary>
    public Resampling Resampling { get; init; } = Resampling.Fir;
    /// <summary>Progressive growing: a toRGB per resolution, faded in by the network's lod (2019 family, orig architecture).</summary>
    public bool Growing { get; init; }
    /// <summary>StyleGAN3: layers, excluding the input and the toRGB (null: 14).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NumLayers { get; init; }
    /// <summary>StyleGAN3: critically sampled layers at the end (null: 2).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NumCritical { get; init; }
    /// <summary>StyleGAN3: pixels outside the image in every layer but the last two (null: 10).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MarginSize { get; init; }
    /// <summary>StyleGAN3: scale of the output image (null: 0.25).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? OutputScale { get; init; }
    /// <summary>StyleGAN3: convolution kernel, 3 in config T, 1 in config R (null: 3).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ConvKernel { get; init; }
    /// <summary>StyleGAN3: radially symmetric down-sampling filters, config R (null: false).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseRadialFilters { get; init; }
    /// <summary>StyleGAN3: decay of the layers' tracked input magnitudes (null: 0.999).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MagnitudeEmaBeta { get; init; }

    /// <summary>
    /// The mixtures of variation points no paper built, each as the setting (its JSON name) and why: StyleGAN2's
    /// modulated layers start from the const, resample with FIR filters and do not grow; the 2019 family's layers
    /// resample with nearest or nearest_blur and are wired feed-forward. Empty: a network some family builds.
    /// </summary>
    public IEnumerable<(string Setting, string Problem)> CombinationProblems()
    {
        bool modulated = Normalization == SynthesisNormalization.Demodulation;
        if (modulated && Input == SynthesisInput.Dense)
            yield return ("input", $"{Input}, but StyleGAN2's modulated layers start from the learned const (StyleGAN3's from Fourier features)");
        if (modulated != (Resampling == Resampling.Fir))
            yield return ("resampling", $"{Resampling} with {Normalization} normalization, but StyleGAN2's layers resample with FIR filters and the 2019 family's with nearest or nearest_blur");
        if (!modulated && Architecture != Architecture.Orig)
            yield return ("architecture", $"{Architecture}, but the 2019 family's networks are feed-forward (orig)");
        if (modulated && Growing)
            yield return ("growing", "true, but StyleGAN2's networks do not grow; progressive growing is the 2019 family's");
        if (!modulated && Input == SynthesisInput.Fourier)
            yield return ("input", $"{Input} with {Normalization} normalization, but the 2019 family starts from the const or the dense input");
        if (Input == SynthesisInput.Fourier && Architecture != Architecture.Orig)
            yield return ("architecture", $"{Architecture}, but StyleGAN3's layers are feed-forward (orig)");
        bool aliasFreeSettings = NumLayers is not null || NumCritical is not null || MarginSize is not null || OutputScale is not null
            || ConvKernel is not null || UseRadialFilters is not null || MagnitudeEmaBeta is not null;
        if (aliasFreeSettings && Input != SynthesisInput.Fourier)
            yield return ("input", $"{Input}, but num_layers, num_critical, margin_size, output_scale, conv_kernel, use_radial_filters and magnitude_ema_beta are StyleGAN3's, whose input is fourier");
    }
}

/// <summary>The generator's constructor arguments, in the JSON form of the official networks.</summary>
public sealed record GeneratorConfig
{
    /// <summary>Input latent size.</summary>
    public int ZDim { get; init; } = 512;
    /// <summary>Conditioning label size (0: unconditional).</summary>
    public int CDim { get; init; }
    /// <summary>Intermediate latent size.</summary>
    public int WDim { get; init; } = 512;
    /// <summary>Output resolution (power of two).</summary>
    public int ImgResolution { get; init; } = 1024;
    /// <summary>Output channels.</summary>
    public int ImgChannels { get; init; } = 3;
    /// <summary>Arguments of the mapping network.</summary>
    public MappingConfig MappingKwargs { get; init; } = new();
    /// <summary>Arguments of the synthesis network.</summary>
    public SynthesisConfig SynthesisKwargs { get; init; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, NetworkJson.Options);
    /// <param name="json">The config in the official JSON form.</param>
    /// <param name="source">Where it came from (a file), for messages.</param>
    public static GeneratorConfig FromJson(string json, string source) => NetworkLimits.Check(NetworkJson.Parse<GeneratorConfig>(json, source), source);
}

/// <summary>Arguments of the discriminator epilogue, as <c>epilogue_kwargs</c>.</summary>
public sealed record EpilogueConfig
{
    /// <summary>Minibatch stddev group size (null: whole batch).</summary>
    public int? MbstdGroupSize { get; init; } = 4;
    /// <summary>Minibatch stddev feature maps (0: no mbstd layer).</summary>
    public int MbstdNumChannels { get; init; } = 1;
}

/// <summary>The discriminator's constructor arguments, in the JSON form of the official networks.</summary>
public sealed record DiscriminatorConfig
{
    /// <summary>Conditioning label size (0: unconditional).</summary>
    public int CDim { get; init; }
    /// <summary>Input resolution (power of two).</summary>
    public int ImgResolution { get; init; } = 1024;
    /// <summary>Input channels.</summary>
    public int ImgChannels { get; init; } = 3;
    /// <summary>How the blocks read the image: resnet (StyleGAN2), skip or orig.</summary>
    public Architecture Architecture { get; init; } = Architecture.Resnet;
    /// <summary>Channels at resolution res: min(channel_base / res, channel_max).</summary>
    public int ChannelBase { get; init; } = 32768;
    /// <summary>Most channels of any layer.</summary>
    public int ChannelMax { get; init; } = 512;
    /// <summary>Accepted for compatibility; we compute in float32.</summary>
    public int NumFp16Res { get; init; }
    /// <summary>Clamp of convolution outputs (null: none).</summary>
    public double? ConvClamp { get; init; }
    /// <summary>Label projection size (channels at 4x4 when null).</summary>
    public int? CmapDim { get; init; }
    /// <summary>Arguments of the mapping network.</summary>
    public MappingConfig MappingKwargs { get; init; } = new();
    /// <summary>Arguments of the 4x4 epilogue.</summary>
    public EpilogueConfig EpilogueKwargs { get; init; } = new();
    /// <summary>How blocks down-sample: fir (StyleGAN2), nearest (average pooling) or nearest_blur (a [1,2,1] blur first).</summary>
    public Resampling Resampling { get; init; } = Resampling.Fir;
    /// <summary>Progressive growing: a fromRGB per resolution, faded in by the network's lod (orig architecture).</summary>
    public bool Growing { get; init; }

    /// <summary>The mixtures no paper built, as the setting and why: a growing discriminator is Progressive GAN's. Empty: none.</summary>
    public IEnumerable<(string Setting, string Problem)> CombinationProblems()
    {
        if (Growing && (Architecture != Architecture.Orig || Resampling == Resampling.Fir))
            yield return ("growing", $"true with the {Architecture} architecture and {Resampling} resampling, but a growing discriminator is Progressive GAN's: orig, with nearest or nearest_blur");
    }

    public string ToJson() => JsonSerializer.Serialize(this, NetworkJson.Options);
    /// <param name="json">The config in the official JSON form.</param>
    /// <param name="source">Where it came from (a file), for messages.</param>
    public static DiscriminatorConfig FromJson(string json, string source) => NetworkLimits.Check(NetworkJson.Parse<DiscriminatorConfig>(json, source), source);
}

/// <summary>JSON conventions of the official configs: snake_case names, lower-case enum values.</summary>
public static class NetworkJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A config is data from a file: "mapping_kwargs": null must be refused, not become a null record (an
        // internal error when the limits were checked), and a key given twice is not taken as the last one.
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        WriteIndented = true,
    };

    /// <param name="json">A config in the official JSON form.</param>
    /// <param name="source">Where it came from (a file), for messages.</param>
    public static T Parse<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the config is null");
        }
        catch (JsonException e)
        {
            var entry = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at '{e.Path.TrimStart('$', '.')}'";
            var why = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "an entry this tool does not know"
                : e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "a value of the wrong kind (a number out of range, text for a number, ...)"
                : e.Message.Contains("null", StringComparison.Ordinal) ? "null where a value is needed"
                : $"invalid JSON ({JsonText.Problem(e)})";
            throw new InvalidDataException($"{source}: the {typeof(T).Name.Replace("Config", "").ToLowerInvariant()} config has {why}{entry}.", e);
        }
    }
}
