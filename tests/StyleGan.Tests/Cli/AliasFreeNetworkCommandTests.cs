using StyleGan.Cli;
using StyleGan.Configs;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using StyleGan.Serialization;
using TorchSharp;

namespace StyleGan.Tests.Cli;

/// <summary>A StyleGAN3 network in one of our files: `stylegan generate` draws with it what the library's sampler draws.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class AliasFreeNetworkCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("alias-free-command-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void GenerateDrawsAStyleGan3NetworkAsTheSamplerDoes()
    {
        var config = new GeneratorConfig
        {
            ZDim = 8, WDim = 8, ImgResolution = 32, ImgChannels = 3, MappingKwargs = new MappingConfig { NumLayers = 2, WAvgBeta = 0.998 },
            SynthesisKwargs = new SynthesisConfig
            {
                ChannelBase = 64, ChannelMax = 4, Architecture = Architecture.Orig, Input = SynthesisInput.Fourier, NumLayers = 6, MarginSize = 4,
            },
        };
        string network = Path.Combine(folder, "sg3-t-tiny.safetensors");
        torch.manual_seed(0);
        using (var g = new StyleGan.Networks.Generator(config))
            NetworkFile.Write(network, NetworkFile.NetworkFormat, null, null, g, [], new Dictionary<string, string>());

        var output = Path.Combine(folder, "out");
        var (code, error) = CliHarness.Run("generate", "--network", network, "--seeds", "0-1", "--trunc", "0.7", "--outdir", output, "--threads", "1");
        Assert.True(code == 0, error);

        using var loaded = NetworkFile.Load(network, NetworkParts.Sampler);
        var images = new Sampler(loaded.Sampler).GenerateSeeds([0, 1], truncation: new Truncation(0.7));
        for (int i = 0; i < 2; i++)
        {
            string expected = Path.Combine(folder, $"expected{i}.png");
            ImageGrid.Save(expected, images.narrow(0, i, 1));
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(Path.Combine(output, $"seed000{i}.png")));
        }
    }
}
