using System.Text.Json;
using System.Text.Json.Serialization;

namespace StyleGan.Networks;

/// <summary>Arguments of the mapping network, as StyleGAN2-ADA's <c>mapping_kwargs</c>.</summary>
public sealed record MappingConfig
{
    public int NumLayers { get; init; } = 8;              // number of fully connected layers
    public int? EmbedFeatures { get; init; }              // label embedding size (w_dim when null)
    public int? LayerFeatures { get; init; }              // hidden layer width (w_dim when null)
    public Ops.Activation Activation { get; init; } = Ops.Activation.Lrelu;
    public double LrMultiplier { get; init; } = 0.01;     // learning-rate multiplier of every layer
    public double? WAvgBeta { get; init; } = 0.995;       // decay of the tracked mean of w (null: not tracked)
}

/// <summary>Arguments of the synthesis network, as StyleGAN2-ADA's <c>synthesis_kwargs</c>.</summary>
public sealed record SynthesisConfig
{
    public int ChannelBase { get; init; } = 32768;        // channels(res) = min(channel_base / res, channel_max)
    public int ChannelMax { get; init; } = 512;
    public int NumFp16Res { get; init; }                  // accepted for compatibility; we compute in float32
    public double? ConvClamp { get; init; }               // clamp of convolution outputs (null: none)
    public Architecture Architecture { get; init; } = Architecture.Skip;
}

/// <summary>The generator's constructor arguments, in the JSON form of the official networks.</summary>
public sealed record GeneratorConfig
{
    public int ZDim { get; init; } = 512;                 // input latent size
    public int CDim { get; init; }                        // conditioning label size (0: unconditional)
    public int WDim { get; init; } = 512;                 // intermediate latent size
    public int ImgResolution { get; init; } = 1024;       // output resolution (power of two)
    public int ImgChannels { get; init; } = 3;            // output channels
    public MappingConfig MappingKwargs { get; init; } = new();
    public SynthesisConfig SynthesisKwargs { get; init; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, NetworkJson.Options);
    public static GeneratorConfig FromJson(string json) => NetworkJson.Parse<GeneratorConfig>(json);
}

/// <summary>Arguments of the discriminator epilogue, as <c>epilogue_kwargs</c>.</summary>
public sealed record EpilogueConfig
{
    public int? MbstdGroupSize { get; init; } = 4;        // minibatch stddev group size (null: whole batch)
    public int MbstdNumChannels { get; init; } = 1;       // minibatch stddev feature maps (0: no mbstd layer)
}

/// <summary>The discriminator's constructor arguments, in the JSON form of the official networks.</summary>
public sealed record DiscriminatorConfig
{
    public int CDim { get; init; }                        // conditioning label size (0: unconditional)
    public int ImgResolution { get; init; } = 1024;       // input resolution (power of two)
    public int ImgChannels { get; init; } = 3;            // input channels
    public Architecture Architecture { get; init; } = Architecture.Resnet;
    public int ChannelBase { get; init; } = 32768;
    public int ChannelMax { get; init; } = 512;
    public int NumFp16Res { get; init; }                  // accepted for compatibility; we compute in float32
    public double? ConvClamp { get; init; }
    public int? CmapDim { get; init; }                    // label projection size (channels at 4x4 when null)
    public MappingConfig MappingKwargs { get; init; } = new();
    public EpilogueConfig EpilogueKwargs { get; init; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, NetworkJson.Options);
    public static DiscriminatorConfig FromJson(string json) => NetworkJson.Parse<DiscriminatorConfig>(json);
}

/// <summary>JSON conventions of the official configs: snake_case names, lower-case enum values.</summary>
public static class NetworkJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static T Parse<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the config is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Invalid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
