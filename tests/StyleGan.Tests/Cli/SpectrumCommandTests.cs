using StyleGan.Data;
using StyleGan.Formats;
using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

/// <summary>`stylegan spectrum`: the library's spectra in avg_spectra.py's .npz layout, the pictures, and refusals before any work.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SpectrumCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("spectrum-command-test").FullName;
    static readonly string Network = Path.Combine(ReferenceData.Fixture("published"), "stylegan3-t-tiny.pkl");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // 16x16 RGB images, the tiny StyleGAN3 pickle's size.
    string Images(int count, int size = 16)
    {
        string images = Path.Combine(folder, $"images{size}");
        var random = new torch.Generator(3);
        for (int i = 0; i < count; i++)
            ImageFile.SavePng(Path.Combine(images, $"{i:D2}.png"), randint(0, 256, new long[] { 3, size, size }, dtype: ScalarType.Byte, generator: random));
        return images;
    }

    [Fact]
    public void WritesEachSourcesSpectrumHeatmapAndTheSlices()
    {
        string data = Images(12), output = Path.Combine(folder, "out");
        var (code, error) = CliHarness.Run("spectrum", "--source", data, Network, "--num", "8", "--outdir", output, "--threads", "1");
        Assert.True(code == 0, error);
        foreach (var file in new[] { "images16.npz", "images16-heatmap.png", "stylegan3-t-tiny.npz", "stylegan3-t-tiny-heatmap.png", "slices.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} was not written.");

        using var dataset = ImageDataset.Open(data);
        var (mean, std) = PowerSpectrum.Moments(PowerSpectrum.DatasetImages(dataset, 8, 0));
        using var networks = NetworkFile.Load(Network, NetworkParts.Sampler);
        var expected = PowerSpectrum.Average(PowerSpectrum.NetworkImages(networks.Sampler, 8, 0), 16, mean, std);
        var written = NpzFile.Load(Path.Combine(output, "stylegan3-t-tiny.npz"));
        Assert.Equal(16.0, written["image_size"].item<double>());
        Close.Assert(expected, written["spectrum"], "spectrum of the network", 1e-12);
    }

    [Fact]
    public void ANetworkWithoutNumAndSourcesOfTwoSizesAreRefusedBeforeAnythingIsWritten()
    {
        string output = Path.Combine(folder, "out");
        var (code, error) = CliHarness.Run("spectrum", "--source", Images(4), Network, "--outdir", output);
        Assert.NotEqual(0, code);
        Assert.Contains("--num", error);
        (code, error) = CliHarness.Run("spectrum", "--source", Images(4, size: 8), Network, "--num", "4", "--outdir", output);
        Assert.NotEqual(0, code);
        Assert.Contains("8x8", error);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output).Any(), "a refused run wrote results.");
    }
}
