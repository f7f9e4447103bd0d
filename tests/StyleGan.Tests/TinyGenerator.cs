using StyleGan.Configs;
using StyleGan.Generation;
using StyleGan.Networks;

namespace StyleGan.Tests;

/// <summary>
/// A small random generator (16x16, 6 ws) whose noise strengths are nonzero by default, so that noise shows. Its
/// weights are the same in every run: it is built right after seeding libtorch's global random stream, under a lock
/// that keeps two of them from interleaving (a test that asserts how far a projection gets must not meet a different
/// network each run).
/// </summary>
static class TinyGenerator
{
    static readonly Lock Seeding = new();

    public static Sampler Sampler(int cDim = 0, int batch = 4, int resolution = 16, double noiseStrength = 0.5)
    {
        var config = new GeneratorConfig
        {
            ZDim = 16, WDim = 16, CDim = cDim, ImgResolution = resolution, ImgChannels = 3,
            MappingKwargs = new MappingConfig { NumLayers = 2 },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = 128, ChannelMax = 16 },
        };
        Generator generator;
        lock (Seeding)
        {
            TorchSharp.torch.manual_seed(1234);
            generator = new Generator(config);
        }
        using (TorchSharp.torch.no_grad())
        {
            foreach (var input in NoiseInputs.Of(generator.Synthesis)) input.Strength.fill_(noiseStrength);
            generator.Mapping.WAvg.copy_(TorchSharp.torch.randn(config.WDim, generator: new TorchSharp.torch.Generator(7)));
        }
        return new Sampler(generator, batchSize: batch);
    }
}
