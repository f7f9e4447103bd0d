namespace StyleGan.Configs;

/// <summary>
/// The sizes a network config may have, checked before anything is allocated: a config read from a file (a
/// checkpoint's metadata, a pickle's constructor arguments) is data, and a corrupt or hostile one must end in a clear
/// refusal rather than an allocation of terabytes. The limits are well above every published network (1024x1024,
/// 512 channels, z 512, 8 mapping layers).
/// </summary>
public static class NetworkLimits
{
    /// <summary>Largest image resolution (NVIDIA's largest published networks are 1024x1024).</summary>
    public const int MaxResolution = 4096;

    /// <summary>Largest latent, label embedding and hidden layer size.</summary>
    public const int MaxFeatures = 4096;

    /// <summary>Most label dimensions (classes).</summary>
    public const int MaxLabels = 100_000;

    /// <summary>Most fully connected layers of a mapping network.</summary>
    public const int MaxMappingLayers = 64;

    /// <summary>Most channels of a layer.</summary>
    public const int MaxChannels = 4096;

    /// <summary>Largest channel base (32768 for the 1024x1024 networks).</summary>
    public const int MaxChannelBase = 1 << 20;

    /// <summary>Most image channels (RGBA).</summary>
    public const int MaxImageChannels = 4;

    /// <summary>Whether images of this side can be trained on: a power of two in [4, <see cref="MaxResolution"/>].</summary>
    public static bool IsResolution(int side) => side >= 4 && side <= MaxResolution && System.Numerics.BitOperations.IsPow2(side);

    /// <summary>Refuses a generator config outside the limits, naming the value, the limit and <paramref name="source"/>.</summary>
    public static GeneratorConfig Check(GeneratorConfig config, string source)
    {
        var check = new Checker(source, "generator");
        check.Range("z_dim", config.ZDim, 1, MaxFeatures);
        check.Range("c_dim", config.CDim, 0, MaxLabels);
        check.Range("w_dim", config.WDim, 1, MaxFeatures);
        check.Resolution("img_resolution", config.ImgResolution);
        check.Range("img_channels", config.ImgChannels, 1, MaxImageChannels);
        check.Mapping("mapping_kwargs", config.MappingKwargs, minLayers: 0);
        if (config.MappingKwargs.NumLayers == 0 && config.ZDim + (config.CDim > 0 ? config.MappingKwargs.EmbedFeatures ?? config.WDim : 0) != config.WDim)
            check.Fail("mapping_kwargs.num_layers", "0, but without mapping layers w is the normalized z, and z_dim (plus the label embedding) differs from w_dim");
        var synthesis = config.SynthesisKwargs;
        foreach (var (setting, problem) in synthesis.CombinationProblems()) check.Fail($"synthesis_kwargs.{setting}", problem);
        check.Range("synthesis_kwargs.channel_base", synthesis.ChannelBase, 1, MaxChannelBase);
        check.Range("synthesis_kwargs.channel_max", synthesis.ChannelMax, 1, MaxChannels);
        check.Clamp("synthesis_kwargs.conv_clamp", synthesis.ConvClamp);
        check.ChannelsAtResolution("synthesis_kwargs.channel_base", synthesis.ChannelBase, config.ImgResolution);
        return config;
    }

    /// <summary>Refuses a discriminator config outside the limits, naming the value, the limit and <paramref name="source"/>.</summary>
    public static DiscriminatorConfig Check(DiscriminatorConfig config, string source)
    {
        var check = new Checker(source, "discriminator");
        check.Range("c_dim", config.CDim, 0, MaxLabels);
        check.Resolution("img_resolution", config.ImgResolution);
        check.Range("img_channels", config.ImgChannels, 1, MaxImageChannels);
        check.Range("channel_base", config.ChannelBase, 1, MaxChannelBase);
        check.Range("channel_max", config.ChannelMax, 1, MaxChannels);
        check.Clamp("conv_clamp", config.ConvClamp);
        if (config.CmapDim is int cmap) check.Range("cmap_dim", cmap, 1, MaxFeatures);
        if (config.CDim > 0) check.Mapping("mapping_kwargs", config.MappingKwargs, minLayers: 1);
        foreach (var (setting, problem) in config.CombinationProblems()) check.Fail(setting, problem);
        if (config.EpilogueKwargs.MbstdGroupSize is int group) check.Range("epilogue_kwargs.mbstd_group_size", group, 1, MaxFeatures);
        check.Range("epilogue_kwargs.mbstd_num_channels", config.EpilogueKwargs.MbstdNumChannels, 0, 64);
        check.ChannelsAtResolution("channel_base", config.ChannelBase, config.ImgResolution);
        return config;
    }

    /// <summary>
    /// A lower bound of the generator's weights (its convolution and mapping weights, without biases and the rest),
    /// so that a file can be refused when it is too small to hold them.
    /// </summary>
    public static long WeightCountLowerBound(GeneratorConfig config)
    {
        long count = MappingWeights(config.ZDim, config.WDim, config.MappingKwargs);
        foreach (var (res, channels) in Resolutions(config.ImgResolution, config.SynthesisKwargs.ChannelBase, config.SynthesisKwargs.ChannelMax))
            count += (res > 4 ? Channels(config.SynthesisKwargs, res / 2) * channels * 9L : 0) + channels * channels * 9L;
        return count;
    }

    /// <summary>A lower bound of the discriminator's weights, as <see cref="WeightCountLowerBound(GeneratorConfig)"/>.</summary>
    public static long WeightCountLowerBound(DiscriminatorConfig config)
    {
        long count = 0;
        foreach (var (res, channels) in Resolutions(config.ImgResolution, config.ChannelBase, config.ChannelMax))
            count += res > 4 ? channels * channels * 9L + channels * (long)ChannelRule.Channels(config.ChannelBase, config.ChannelMax, res / 2) * 9
                : channels * channels * 9L + channels * channels * 16L;
        return count;
    }

    /// <summary>A generator config read from a file, refused unless its weights fit the file and this machine (see CheckFits).</summary>
    /// <param name="config">The config.</param>
    /// <param name="fileBytes">Size of the file it came from.</param>
    /// <param name="source">The file, for the message.</param>
    public static GeneratorConfig CheckFits(GeneratorConfig config, long fileBytes, string source)
    {
        CheckFits(WeightCountLowerBound(config), fileBytes, source);
        return config;
    }

    /// <summary>A discriminator config read from a file, refused unless its weights fit the file and this machine.</summary>
    /// <param name="config">The config.</param>
    /// <param name="fileBytes">Size of the file it came from.</param>
    /// <param name="source">The file, for the message.</param>
    public static DiscriminatorConfig CheckFits(DiscriminatorConfig config, long fileBytes, string source)
    {
        CheckFits(WeightCountLowerBound(config), fileBytes, source);
        return config;
    }

    /// <summary>
    /// Refuses a config whose weights could not be in a file of <paramref name="fileBytes"/> (at two bytes a weight,
    /// float16, the smallest any of the known formats stores) or in half of this machine's memory (at four).
    /// </summary>
    /// <param name="weights">A lower bound of the weights, from WeightCountLowerBound.</param>
    /// <param name="fileBytes">Size of the file the config came from, or null for a config of a new network.</param>
    /// <param name="source">The file or setting the config came from, for the message.</param>
    /// <param name="copies">How many float32 copies of the weights the work holds (training: G, G_ema, gradients, Adam's two moments).</param>
    public static void CheckFits(long weights, long? fileBytes, string source, int copies = 1)
    {
        if (fileBytes is long bytes && weights * 2 > bytes)
            throw new InvalidDataException($"{source}: the network config describes at least {weights:N0} weights, which a file of {bytes:N0} bytes cannot hold: " +
                "the config or the file is corrupt.");
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double needed = weights * 4.0 * copies;
        // Half: the weights are a lower bound, and the work also holds activations, their gradients and libtorch's
        // workspaces, while the system keeps its own share; a config that took 21.5 of 23 GiB for its weights alone
        // was killed by the kernel's OOM killer a minute into training, instead of being refused.
        if (needed > available / 2)
            throw new InvalidDataException($"{source}: the network config describes at least {weights:N0} weights, which take {needed / (1L << 30):F1} GiB " +
                $"in float32{(copies > 1 ? $" held {copies} times" : "")}, more than half of this machine's {available / (double)(1L << 30):F1} GiB of memory " +
                "(the rest is for activations and the system); choose a smaller network.");
    }

    static long MappingWeights(int zDim, int wDim, MappingConfig mapping)
    {
        long layer = mapping.LayerFeatures ?? wDim;
        return mapping.NumLayers == 0 ? 0 : mapping.NumLayers == 1 ? (long)zDim * wDim : zDim * layer + (mapping.NumLayers - 2) * layer * layer + layer * wDim;
    }

    static IEnumerable<(int Resolution, long Channels)> Resolutions(int imgResolution, int channelBase, int channelMax)
    {
        for (int res = 4; res <= imgResolution; res *= 2) yield return (res, ChannelRule.Channels(channelBase, channelMax, res));
    }

    static long Channels(SynthesisConfig synthesis, int res) => ChannelRule.Channels(synthesis.ChannelBase, synthesis.ChannelMax, res);

    sealed class Checker(string source, string network)
    {
        public void Range(string name, long value, long min, long max)
        {
            if (value < min || value > max)
                throw new InvalidDataException($"{source}: the {network}'s {name} is {value}, outside [{min}, {max}]; the config is corrupt or not of a network this tool runs.");
        }

        public void Resolution(string name, int value)
        {
            Range(name, value, 4, MaxResolution);
            if (!System.Numerics.BitOperations.IsPow2(value))
                throw new InvalidDataException($"{source}: the {network}'s {name} is {value}, not a power of two; the config is corrupt or not of a network this tool runs.");
        }

        public void Fail(string name, string why) =>
            throw new InvalidDataException($"{source}: the {network}'s {name} is {why}; the config is corrupt or not of a network this tool runs.");

        public void Mapping(string name, MappingConfig mapping, int minLayers)
        {
            Range($"{name}.num_layers", mapping.NumLayers, minLayers, MaxMappingLayers);
            if (mapping.EmbedFeatures is int embed) Range($"{name}.embed_features", embed, 1, MaxFeatures);
            if (mapping.LayerFeatures is int layer) Range($"{name}.layer_features", layer, 1, MaxFeatures);
            if (!double.IsFinite(mapping.LrMultiplier) || mapping.LrMultiplier <= 0)
                throw new InvalidDataException($"{source}: the {network}'s {name}.lr_multiplier is {mapping.LrMultiplier}, not a positive number.");
            if (mapping.WAvgBeta is double beta && !(beta >= 0 && beta <= 1))
                throw new InvalidDataException($"{source}: the {network}'s {name}.w_avg_beta is {beta}, outside [0, 1].");
            if (mapping.TruncationCutoff is int cutoff) Range($"{name}.truncation_cutoff", cutoff, 0, MaxMappingLayers);
        }

        // channels(res) = channel_base / res would be 0 at the image resolution.
        public void ChannelsAtResolution(string name, int channelBase, int resolution)
        {
            if (channelBase < resolution)
                throw new InvalidDataException($"{source}: the {network}'s {name} is {channelBase}, which gives no channels at {resolution}x{resolution}; it must be at least the resolution.");
        }

        public void Clamp(string name, double? clamp)
        {
            if (clamp is double value && !(double.IsFinite(value) && value > 0))
                throw new InvalidDataException($"{source}: the {network}'s {name} is {value}, not a positive number.");
        }
    }
}
