using System.Text.Json.Nodes;
using StyleGan.Formats;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Tests.Ops;

/// <summary>
/// StyleGAN3's filter design and filtered leaky ReLU against NVIDIA's stylegan3 code (tests/fixtures/stylegan3-ops,
/// made by make_fixtures.py there): every filter of a small config T and config R synthesis network, and the op with
/// the arguments of their layers, forward and both gradients, in float32 and float64.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class StyleGan3OpsReferenceTests : IDisposable
{
    readonly SafetensorsFile filters = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-ops"), "filters.safetensors"));
    readonly SafetensorsFile lrelu = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-ops"), "filtered_lrelu.safetensors"));

    public void Dispose()
    {
        filters.Dispose();
        lrelu.Dispose();
    }

    [Fact]
    public void EveryFilterOfConfigsTAndRIsDesignedAsNvidiasAndScipysAre()
    {
        var designs = JsonNode.Parse(filters.Metadata["filters"])!.AsArray();
        Assert.Equal(2 * 2 * 15, designs.Count); // two networks of 15 layers, an up and a down filter each
        int compared = 0, radial = 0;
        foreach (var design in designs)
        {
            string key = design!["key"]!.GetValue<string>();
            var ours = LowpassFilter.Design(design["numtaps"]!.GetValue<int>(), design["cutoff"]!.GetValue<double>(), design["width"]!.GetValue<double>(),
                design["fs"]!.GetValue<double>(), design["radial"]!.GetValue<bool>());
            if (!filters.Tensors.ContainsKey($"{key}.float32"))
            {
                Assert.True(ours is null, $"{key}: NVIDIA's layer has no filter, ours designed one");
                continue;
            }
            Assert.NotNull(ours);
            Close.Assert(filters[$"{key}.float64"], ours, $"{key} (float64, scipy)", 1e-12);
            // NVIDIA's buffer is the float64 design rounded to float32: ours rounds to the same floats.
            Assert.True(filters[$"{key}.float32"].eq(ours.to(float32)).all().item<bool>(), $"{key}: ours in float32 differs from NVIDIA's buffer");
            compared++;
            if (design["radial"]!.GetValue<bool>()) radial++;
        }
        Assert.True(compared >= 50 && radial >= 10, $"{compared} filters compared, {radial} of them radial");
    }

    [Fact]
    public void AnOddRadialFilterTakesTheLimitAtItsCentre()
    {
        var f = LowpassFilter.Design(5, cutoff: 2, width: 1, fs: 8, radial: true)!;
        Assert.False(f.isnan().any().item<bool>());
        Assert.Equal(1, f.sum().item<double>(), 12);
        Assert.Equal(f.max().item<double>(), f[2, 2].item<double>());
    }

    public static TheoryData<string, string> Cases()
    {
        using var file = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-ops"), "filtered_lrelu.safetensors"));
        var data = new TheoryData<string, string>();
        foreach (var c in JsonNode.Parse(file.Metadata["cases"])!.AsArray())
            foreach (var dtype in new[] { "float32", "float64" })
                data.Add(c!["key"]!.GetValue<string>(), dtype);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FilteredLreluEqualsNvidiasReferenceForwardAndBackward(string key, string dtype)
    {
        var args = JsonNode.Parse(lrelu.Metadata["cases"])!.AsArray().Single(c => c!["key"]!.GetValue<string>() == key)!;
        var type = dtype == "float64" ? float64 : float32;
        double tolerance = dtype == "float64" ? 1e-9 : 1e-4;
        var p = args["padding"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var x = lrelu[$"{key}.x"].to(type).requires_grad_(true);
        var b = lrelu[$"{key}.b"].to(type).requires_grad_(true);
        var y = FilteredLrelu.Apply(x, lrelu.Tensors.GetValueOrDefault($"{key}.fu"), lrelu.Tensors.GetValueOrDefault($"{key}.fd"), b,
            up: args["up"]!.GetValue<int>(), down: args["down"]!.GetValue<int>(), padding: new Padding(p[0], p[1], p[2], p[3]),
            gain: args["gain"]!.GetValue<double>(), slope: args["slope"]!.GetValue<double>(), clamp: args["clamp"]!.GetValue<double>());
        Close.Assert(lrelu[$"{key}.{dtype}.y"], y, $"{key} y ({dtype})", tolerance);
        var grads = autograd.grad([y], [x, b], [lrelu[$"{key}.{dtype}.dy"].to(type)]);
        Close.Assert(lrelu[$"{key}.{dtype}.dx"], grads[0], $"{key} dx ({dtype})", tolerance);
        Close.Assert(lrelu[$"{key}.{dtype}.db"], grads[1], $"{key} db ({dtype})", tolerance);
    }
}
