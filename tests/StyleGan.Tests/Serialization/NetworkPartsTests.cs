using StyleGan.Serialization;
using StyleGan.Training;

namespace StyleGan.Tests.Serialization;

/// <summary>A command loads only the networks it uses; what it loads equals what a full load gives.</summary>
public sealed class NetworkPartsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("parts-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Pickle => ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl");

    [Fact]
    public void TheSamplerAloneIsGEma()
    {
        foreach (var path in new[] { Pickle, Exported() })
        {
            using var all = NetworkFile.Load(path);
            using var sampler = NetworkFile.Load(path, NetworkParts.Sampler);
            Assert.Null(sampler.G);
            Assert.Null(sampler.D);
            Assert.Empty(sampler.State);
            var expected = all.GEma!.state_dict();
            foreach (var (name, tensor) in sampler.GEma!.state_dict())
                Assert.True((tensor == expected[name]).all().item<bool>(), $"{path}: {name} differs from a full load");
        }
    }

    [Fact]
    public void WithoutGEmaTheSamplerIsG()
    {
        var path = Path.Combine(folder, "g-only.safetensors");
        using (var networks = NetworkFile.Load(Pickle)) NetworkFile.Write(path, NetworkFile.NetworkFormat, networks.G, null, null, [], new Dictionary<string, string>());
        using var sampler = NetworkFile.Load(path, NetworkParts.Sampler);
        Assert.NotNull(sampler.G);
        Assert.Null(sampler.GEma);
        Assert.StartsWith("G: the file holds no G_ema", sampler.SamplerDescription);
    }

    [Fact]
    public void ACheckpointsStateLoadsOnlyWhenAsked()
    {
        var runFolder = Path.Combine(folder, "run");
        var options = new TrainingOptions { Cfg = "test", TotalKimg = 0.004, Batch = 4, ZDim = 8, MappingLayers = 2, ChannelBase = 64, ChannelMax = 8, MbstdGroup = 2, SnapKimg = 1 };
        using (var run = new TrainingRunState(options, 8, 1, 0, "none", TorchSharp.torch.CPU))
            Checkpoint.Save(Path.Combine(folder, "checkpoint.safetensors"), run);
        using var withState = NetworkFile.Load(Path.Combine(folder, "checkpoint.safetensors"));
        Assert.Contains("loss.pl_mean", withState.State.Keys);
        using var without = NetworkFile.Load(Path.Combine(folder, "checkpoint.safetensors"), NetworkParts.G | NetworkParts.D | NetworkParts.GEma);
        Assert.Empty(without.State);
        Assert.NotNull(without.D);
    }

    string Exported()
    {
        var path = Path.Combine(folder, "exported.safetensors");
        using (var networks = NetworkFile.Load(Pickle)) NetworkFile.Save(path, networks);
        return path;
    }
}
