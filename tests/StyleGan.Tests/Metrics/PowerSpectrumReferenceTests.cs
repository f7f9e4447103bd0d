using System.Text.Json.Nodes;
using StyleGan.Data;
using StyleGan.Formats;
using StyleGan.Metrics;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>
/// The average power spectrum against NVIDIA's avg_spectra.py (tests/fixtures/spectrum, made by make_fixtures.py
/// there): the bundled MNIST's mean and std (stats), its spectrum and a StyleGAN3 network's (calc), and the heat maps
/// with and without smoothing (construct_heatmap).
/// </summary>
public sealed class PowerSpectrumReferenceTests : IDisposable
{
    readonly SafetensorsFile set = Safetensors.Load(Path.Combine(ReferenceData.Fixture("spectrum"), "spectrum.safetensors"));
    JsonNode Stats => JsonNode.Parse(set.Metadata["stats"])!;
    double Mean => Stats["mean"]!.GetValue<double>();
    double Std => Stats["std"]!.GetValue<double>();

    public void Dispose() => set.Dispose();

    [Fact]
    public void DatasetMomentsAndSpectrumAreNvidias()
    {
        using var data = ImageDataset.Open(ReferenceData.Bundled("mnist32.zip"));
        var (mean, std) = PowerSpectrum.Moments(PowerSpectrum.DatasetImages(data, null, 0));
        // stats prints them with %g, six significant digits.
        Assert.Equal(Mean, mean, Mean * 1e-5);
        Assert.Equal(Std, std, Std * 1e-5);
        var spectrum = PowerSpectrum.Average(PowerSpectrum.DatasetImages(data, null, 0), data.Resolution, Mean, Std);
        AssertRelative(set["mnist.spectrum"], spectrum, 1e-9, "MNIST spectrum");
        foreach (var smooth in new[] { 1.25, 0 })
            Close.Assert(set[$"mnist.heatmap{smooth:G}"], PowerSpectrum.Heatmap(set["mnist.spectrum"], data.Resolution, smooth), $"heat map, smooth {smooth}", 1e-9);
    }

    [Fact]
    public void NetworkSpectrumIsNvidias()
    {
        using var networks = NetworkFile.Load(Path.Combine(ReferenceData.Fixture("stylegan3-loss"), "loss-t.pkl"), NetworkParts.Sampler);
        var spectrum = PowerSpectrum.Average(PowerSpectrum.NetworkImages(networks.Sampler, 16, 0), networks.Sampler.Config.ImgResolution, Mean, Std);
        // Our float32 network and NVIDIA's may round a pixel to the next level; the spectrum barely moves.
        AssertRelative(set["tiny.spectrum"], spectrum, 1e-3, "network spectrum");
    }

    static void AssertRelative(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = ((expected.to(float64) - actual).abs() / expected.to(float64).abs().clamp_min(1e-300)).max().item<double>();
        Assert.True(error <= tolerance, $"{what}: relative error {error:E3} exceeds {tolerance:E1}.");
    }
}
