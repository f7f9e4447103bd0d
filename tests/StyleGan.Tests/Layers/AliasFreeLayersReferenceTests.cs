using System.Text.Json.Nodes;
using StyleGan.Formats;
using StyleGan.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Layers;

/// <summary>
/// StyleGAN3's input and layers against NVIDIA's stylegan3 code (tests/fixtures/stylegan3-layers, made by
/// make_fixtures.py there): a small config T and config R synthesis network, each module fed its input from the
/// file, its output, every parameter gradient and its input's gradient compared, in float32 to 1e-4 and in float64
/// to 1e-9; the filters each layer designs against the ones NVIDIA's stored; the magnitude EMA's update; and the
/// image of the modules chained.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class AliasFreeLayersReferenceTests : IDisposable
{
    static readonly string File = Path.Combine(ReferenceData.Fixture("stylegan3-layers"), "layers.safetensors");
    readonly SafetensorsFile set = Safetensors.Load(File);

    public void Dispose() => set.Dispose();

    public static TheoryData<string, string> Networks() => new() { { "t", "float32" }, { "t", "float64" }, { "r", "float32" }, { "r", "float64" } };

    JsonNode Description(string network) => JsonNode.Parse(set.Metadata["layers"])![network]!;

    Dictionary<string, Tensor> State(string key) => set.Tensors.Where(kv => kv.Key.StartsWith($"{key}.state.", StringComparison.Ordinal))
        .ToDictionary(kv => kv.Key[$"{key}.state.".Length..], kv => kv.Value);

    static FourierInput Input(JsonNode a) => new(a["w_dim"]!.GetValue<long>(), a["channels"]!.GetValue<long>(), a["size"]!.GetValue<int>(),
        a["sampling_rate"]!.GetValue<double>(), a["bandwidth"]!.GetValue<double>());

    static AliasFreeLayer Layer(JsonNode a) => new(a["w_dim"]!.GetValue<long>(), a["is_torgb"]!.GetValue<bool>(), a["is_critically_sampled"]!.GetValue<bool>(),
        a["in_channels"]!.GetValue<long>(), a["out_channels"]!.GetValue<long>(), a["in_size"]!.GetValue<int>(), a["out_size"]!.GetValue<int>(),
        a["in_sampling_rate"]!.GetValue<int>(), a["out_sampling_rate"]!.GetValue<int>(), a["in_cutoff"]!.GetValue<double>(), a["out_cutoff"]!.GetValue<double>(),
        a["in_half_width"]!.GetValue<double>(), a["out_half_width"]!.GetValue<double>(), convKernel: a["is_torgb"]!.GetValue<bool>() ? 3 : a["conv_kernel"]!.GetValue<int>(),
        useRadialFilters: a["use_radial_filters"]!.GetValue<bool>(), convClamp: a["conv_clamp"]!.GetValue<double>(),
        magnitudeEmaBeta: a["magnitude_ema_beta"]!.GetValue<double>());

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryModuleMatchesNvidiasForwardAndBackward(string network, string dtype)
    {
        var description = Description(network);
        var type = dtype == "float64" ? float64 : float32;
        double tolerance = dtype == "float64" ? 1e-9 : 1e-4;
        string prefix = $"{network}.{dtype}";
        var ws = set[$"{prefix}.ws"];

        using var input = Input(description["input"]!);
        StateDict.Load(input, State($"{prefix}.input"));
        input.to(type);
        var w0 = ws.select(1, 0).clone();
        var y = input.forward(w0);
        Close.Assert(set[$"{prefix}.input.y"], y, $"{prefix} input", tolerance);
        AssertGradients(input, y, null, $"{prefix}.input", tolerance);

        string previous = $"{prefix}.input";
        var layers = description["layers"]!.AsArray();
        for (int i = 0; i < layers.Count; i++)
        {
            string name = layers[i]!["name"]!.GetValue<string>(), key = $"{prefix}.{name}";
            using var layer = Layer(layers[i]!);
            foreach (var filter in new[] { "up_filter", "down_filter" })
            {
                bool ours = layer.named_buffers().Any(b => b.name == filter), theirs = set.Tensors.ContainsKey($"{key}.state.{filter}");
                Assert.True(ours == theirs, $"{key}: {filter} {(ours ? "designed, but NVIDIA's layer has none" : "missing")}");
                if (ours) Assert.True(layer.named_buffers().Single(b => b.name == filter).buffer.eq(set[$"{key}.state.{filter}"]).all().item<bool>(), $"{key}: {filter} differs from NVIDIA's");
            }
            StateDict.Load(layer, State(key));
            layer.to(type);
            var x = set[$"{previous}.y"].clone().requires_grad_(true);
            var output = layer.forward(x, ws.select(1, i + 1).clone());
            Close.Assert(set[$"{key}.y"], output, key, tolerance);
            AssertGradients(layer, output, x, key, tolerance, expectedInputGradient: set[$"{previous}.dy"]);
            previous = key;
        }
    }

    void AssertGradients(nn.Module module, Tensor output, Tensor? input, string key, double tolerance, Tensor? expectedInputGradient = null)
    {
        var parameters = module.named_parameters().ToList();
        var wrt = parameters.Select(p => (Tensor)p.parameter).Concat(input is null ? [] : [input]).ToList();
        var grads = autograd.grad([output], wrt, [set[$"{key}.dy"]]);
        for (int i = 0; i < parameters.Count; i++)
            Close.Assert(set[$"{key}.grad.{parameters[i].name}"], grads[i], $"{key} d{parameters[i].name}", tolerance);
        if (input is not null) Close.Assert(expectedInputGradient!, grads[^1], $"{key} dx", tolerance);
    }

    [Theory]
    [InlineData("t")]
    [InlineData("r")]
    public void TheMagnitudeEmaUpdatesAsNvidiasDuringTraining(string network)
    {
        string previous = $"{network}.float32.input";
        var layers = Description(network)["layers"]!.AsArray();
        for (int index = 1; index <= layers.Count; index++)
        {
            var args = layers[index - 1]!;
            string key = $"{network}.float32.{args["name"]!.GetValue<string>()}";
            using var layer = Layer(args);
            StateDict.Load(layer, State(key));
            using var _ = no_grad();
            var y = layer.forward(set[$"{previous}.y"], set[$"{network}.float32.ws"].select(1, index), updateEmas: true);
            Close.Assert(set[$"{key}.ema.magnitude_ema"], layer.named_buffers().Single(b => b.name == "magnitude_ema").buffer, $"{key} magnitude_ema", 1e-4);
            Close.Assert(set[$"{key}.ema.y"], y, $"{key} after the update", 1e-4);
            previous = key;
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheChainedModulesMakeNvidiasImage(string network, string dtype)
    {
        var description = Description(network);
        var type = dtype == "float64" ? float64 : float32;
        string prefix = $"{network}.{dtype}";
        var ws = set[$"{prefix}.ws"];
        using var _ = no_grad();
        using var input = Input(description["input"]!);
        StateDict.Load(input, State($"{prefix}.input"));
        input.to(type);
        var x = input.forward(ws.select(1, 0));
        var layers = description["layers"]!.AsArray();
        for (int i = 0; i < layers.Count; i++)
        {
            using var layer = Layer(layers[i]!);
            StateDict.Load(layer, State($"{prefix}.{layers[i]!["name"]!.GetValue<string>()}"));
            layer.to(type);
            x = layer.forward(x, ws.select(1, i + 1));
        }
        Close.Assert(set[$"{prefix}.img"], x * description["output_scale"]!.GetValue<double>(), $"{prefix} image", dtype == "float64" ? 1e-9 : 1e-4);
    }
}
