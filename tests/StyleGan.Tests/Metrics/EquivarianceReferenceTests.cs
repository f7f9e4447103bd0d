using System.Text.Json.Nodes;
using StyleGan.Metrics;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>
/// eqt50k_int, eqt50k_frac and eqr50k against NVIDIA's metrics/equivariance.py (tests/fixtures/stylegan3-equivariance,
/// made by make_fixtures.py there) on a config T and a config R network, 64 samples from the same seed: the draws
/// first (so a difference in the score is a difference in the computation), then each PSNR to 1e-3 dB.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class EquivarianceReferenceTests
{
    static readonly string Folder = ReferenceData.Fixture("stylegan3-equivariance");
    static readonly JsonNode Expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "equivariance.json")))!;

    static string NetworkPath(string network) => Path.GetFullPath(Path.Combine(Folder, network == "t" ? "../published/stylegan3-t-tiny.pkl" : "../stylegan3-loss/loss-r.pkl"));

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var network in new[] { "t", "r" })
            foreach (var metric in new[] { "eqt50k_int", "eqt50k_frac", "eqr50k" })
                cases.Add(network, metric);
        return cases;
    }

    static ulong Seed => Expected["seed"]!.GetValue<ulong>();

    [Theory]
    [InlineData("t")]
    [InlineData("r")]
    public void OurDrawsAreNvidias(string network)
    {
        using var networks = NetworkFile.Load(NetworkPath(network), NetworkParts.Sampler);
        var expected = Expected["networks"]![network]!;
        using var latents = new MetricLatents(networks.Sampler.Config, null, Seed);
        var z = latents.Z(4);
        var firstZ = tensor(expected["first_z"]!.AsArray().SelectMany(row => row!.AsArray().Select(v => v!.GetValue<float>())).ToArray()).reshape(z.shape);
        Close.Assert(firstZ, z, "first z", 1e-6);
        var uniforms = tensor(expected["next_uniforms"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        Close.Assert(uniforms, latents.Uniform(2), "next uniforms", 1e-6);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PsnrIsNvidias(string network, string metric)
    {
        using var networks = NetworkFile.Load(NetworkPath(network), NetworkParts.Sampler);
        var definition = StandardMetrics.Parse(metric).Single();
        using var latents = new MetricLatents(networks.Sampler.Config, null, Seed);
        double psnr = Equivariance.Psnr(networks.Sampler, definition.Transform!.Value, Expected["samples"]!.GetValue<int>(), latents, CPU);
        double expected = Expected["networks"]![network]![metric]!.GetValue<double>();
        Assert.True(Math.Abs(psnr - expected) <= 1e-3, $"{network} {metric}: {psnr:F5} dB, NVIDIA's {expected:F5} dB.");
    }

    [Fact]
    public void ANetworkWithoutFourierInputIsRefusedNamingTheMetrics()
    {
        var stylegan2 = TinyGenerator.Sampler().Generator;
        using var latents = new MetricLatents(stylegan2.Config, null, 0);
        var error = Assert.Throws<InvalidValueException>(() => Equivariance.Psnr(stylegan2, EquivarianceTransform.Rotation, 4, latents, CPU));
        Assert.Equal(StandardMetrics.Setting, error.Name);
        Assert.Contains("Fourier input", error.Message);
    }
}
