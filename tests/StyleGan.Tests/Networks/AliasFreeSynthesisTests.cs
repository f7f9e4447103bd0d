using System.Text.Json.Nodes;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

/// <summary>
/// StyleGAN3's synthesis network against NVIDIA's stylegan3 code: its schedule (names, sizes, channels, rates,
/// cutoffs and transition bands) for the small T and R networks of tests/fixtures/stylegan3-layers and the full-depth
/// ones of tests/fixtures/stylegan3-ops, and the image of the small ones with NVIDIA's weights.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class AliasFreeSynthesisTests : IDisposable
{
    readonly SafetensorsFile layers = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-layers"), "layers.safetensors"));

    public void Dispose() => layers.Dispose();

    // The whole network's state dict under NVIDIA's names, from each module's state in the set.
    Dictionary<string, Tensor> NetworkState(string prefix) => layers.Tensors
        .Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal) && kv.Key.Contains(".state.", StringComparison.Ordinal))
        .ToDictionary(kv => kv.Key[(prefix.Length + 1)..].Replace(".state.", "."), kv => kv.Value);

    static AliasFreeSynthesisNetwork Build(JsonNode kwargs) => new(kwargs["w_dim"]!.GetValue<int>(), kwargs["img_resolution"]!.GetValue<int>(),
        kwargs["img_channels"]!.GetValue<int>(), kwargs["channel_base"]!.GetValue<double>(), kwargs["channel_max"]!.GetValue<double>(),
        numLayers: kwargs["num_layers"]?.GetValue<int>() ?? 14, marginSize: kwargs["margin_size"]?.GetValue<int>() ?? 10,
        convKernel: kwargs["conv_kernel"]?.GetValue<int>() ?? 3, useRadialFilters: kwargs["use_radial_filters"]?.GetValue<bool>() ?? false);

    [Theory]
    [InlineData("t")]
    [InlineData("r")]
    public void TheScheduleIsNvidias(string network)
    {
        var description = JsonNode.Parse(layers.Metadata["layers"])![network]!;
        using var net = Build(description["kwargs"]!);
        var theirs = description["layers"]!.AsArray();
        Assert.Equal(theirs.Select(l => l!["name"]!.GetValue<string>()), net.Schedule.Select(s => s.Name));
        foreach (var (spec, layer) in net.Schedule.Zip(theirs))
        {
            Assert.Equal((layer!["is_torgb"]!.GetValue<bool>(), layer["is_critically_sampled"]!.GetValue<bool>()), (spec.IsToRgb, spec.IsCriticallySampled));
            Assert.Equal((layer["in_channels"]!.GetValue<int>(), layer["out_channels"]!.GetValue<int>(), layer["in_size"]!.GetValue<int>(), layer["out_size"]!.GetValue<int>(),
                layer["in_sampling_rate"]!.GetValue<int>(), layer["out_sampling_rate"]!.GetValue<int>()),
                (spec.InChannels, spec.OutChannels, spec.InSize, spec.OutSize, spec.InSamplingRate, spec.OutSamplingRate));
            foreach (var (ours, name) in new[] { (spec.InCutoff, "in_cutoff"), (spec.OutCutoff, "out_cutoff"), (spec.InHalfWidth, "in_half_width"), (spec.OutHalfWidth, "out_half_width") })
                Assert.Equal(layer[name]!.GetValue<double>(), ours, 12);
        }
    }

    [Theory]
    [InlineData("t", 256, 16, false)]
    [InlineData("r", 512, 32, true)]
    public void TheFullDepthScheduleDesignsNvidiasFilters(string network, int channelBase, int channelMax, bool radial)
    {
        // The filter set holds, for every layer of a 14-layer 32x32 network, each filter's cutoff, width and rate.
        using var filters = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-ops"), "filters.safetensors"));
        var designs = JsonNode.Parse(filters.Metadata["filters"])!.AsArray().ToDictionary(d => d!["key"]!.GetValue<string>(), d => d!);
        var (_, schedule) = AliasFreeSchedule.Of(32, 3, channelBase, channelMax);
        Assert.Equal(15, schedule.Count);
        foreach (var spec in schedule)
        {
            double rate = Math.Max(spec.InSamplingRate, spec.OutSamplingRate) * (spec.IsToRgb ? 1 : 2);
            var up = designs[$"{network}.{spec.Name}.up"];
            var down = designs[$"{network}.{spec.Name}.down"];
            Assert.Equal(up["cutoff"]!.GetValue<double>(), spec.InCutoff, 12);
            Assert.Equal(up["width"]!.GetValue<double>(), spec.InHalfWidth * 2, 12);
            Assert.Equal(down["cutoff"]!.GetValue<double>(), spec.OutCutoff, 12);
            Assert.Equal(down["width"]!.GetValue<double>(), spec.OutHalfWidth * 2, 12);
            Assert.Equal(up["fs"]!.GetValue<double>(), rate);
            Assert.Equal(radial && !spec.IsCriticallySampled && !spec.IsToRgb && down["numtaps"]!.GetValue<int>() > 1, down["radial"]!.GetValue<bool>());
        }
    }

    [Theory]
    [InlineData("t", "float32")]
    [InlineData("t", "float64")]
    [InlineData("r", "float32")]
    [InlineData("r", "float64")]
    public void TheNetworkWithNvidiasWeightsMakesNvidiasImage(string network, string dtype)
    {
        var description = JsonNode.Parse(layers.Metadata["layers"])![network]!;
        using var net = Build(description["kwargs"]!);
        string prefix = $"{network}.{dtype}";
        var state = NetworkState(prefix);
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), net.state_dict().Keys.Order(StringComparer.Ordinal)); // NVIDIA's names, all of them
        StateDict.Load(net, state);
        net.to(dtype == "float64" ? float64 : float32);
        using var _ = no_grad();
        Close.Assert(layers[$"{prefix}.img"], net.forward(layers[$"{prefix}.ws"]), $"{prefix} image", dtype == "float64" ? 1e-9 : 1e-4);
    }

    static GeneratorConfig Config(JsonNode kwargs) => new()
    {
        ZDim = 8, WDim = kwargs["w_dim"]!.GetValue<int>(), ImgResolution = kwargs["img_resolution"]!.GetValue<int>(), ImgChannels = kwargs["img_channels"]!.GetValue<int>(),
        MappingKwargs = new MappingConfig { NumLayers = 2, WAvgBeta = 0.998 },
        SynthesisKwargs = new SynthesisConfig
        {
            ChannelBase = kwargs["channel_base"]!.GetValue<int>(), ChannelMax = kwargs["channel_max"]!.GetValue<int>(), ConvClamp = 256,
            Architecture = Architecture.Orig, Input = SynthesisInput.Fourier, NumLayers = kwargs["num_layers"]!.GetValue<int>(),
            MarginSize = kwargs["margin_size"]!.GetValue<int>(), ConvKernel = kwargs["conv_kernel"]?.GetValue<int>(),
            UseRadialFilters = kwargs["use_radial_filters"]?.GetValue<bool>(),
        },
    };

    [Theory]
    [InlineData("t")]
    [InlineData("r")]
    public void AGeneratorWithFourierInputIsStyleGan3s(string network)
    {
        var description = JsonNode.Parse(layers.Metadata["layers"])![network]!;
        var config = Config(description["kwargs"]!);
        Assert.Equal(config, GeneratorConfig.FromJson(config.ToJson(), "test")); // the StyleGAN3 settings survive a network file
        using var generator = new StyleGan.Networks.Generator(config);
        var synthesis = Assert.IsType<AliasFreeSynthesisNetwork>(generator.Synthesis);
        Assert.Equal(description["num_ws"]!.GetValue<int>(), generator.NumWs);
        Assert.Equal(description["layers"]!.AsArray().Select((l, i) => (l!["name"]!.GetValue<string>(), i + 1)), synthesis.Layers().Select(l => (l.Name, l.WIndex)));
        Assert.All(synthesis.Layers(), l => Assert.Null(l.Layer.NoiseConst));
        string prefix = $"{network}.float32";
        StateDict.Load(synthesis, NetworkState(prefix));
        using var _ = no_grad();
        Close.Assert(layers[$"{prefix}.img"], generator.Synthesis.forward(layers[$"{prefix}.ws"], NoiseMode.Const), $"{prefix} image through the generator");
    }

    [Theory]
    [InlineData("adain", "orig", "fourier", "input")]
    [InlineData("demodulation", "skip", "fourier", "architecture")]
    [InlineData("demodulation", "orig", "const", "input")]
    public void StyleGan3sSettingsGoOnlyWithItsFourierInput(string normalization, string architecture, string input, string refused)
    {
        var config = new SynthesisConfig
        {
            Normalization = Enum.Parse<SynthesisNormalization>(normalization, ignoreCase: true), Architecture = Enum.Parse<Architecture>(architecture, ignoreCase: true),
            Input = Enum.Parse<SynthesisInput>(input, ignoreCase: true), Resampling = normalization == "adain" ? Resampling.Nearest : Resampling.Fir, NumLayers = 6,
        };
        Assert.Contains(refused, config.CombinationProblems().Select(p => p.Setting));
    }
}
