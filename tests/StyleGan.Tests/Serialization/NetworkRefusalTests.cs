using System.Diagnostics;
using System.Text.Json.Nodes;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Serialization;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Serialization;

/// <summary>
/// Network files whose configs or weights cannot be right are refused, naming the file and the value, before anything
/// is allocated for them: within seconds and without memory growing.
/// </summary>
public sealed class NetworkRefusalTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("refusal-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // The tiny NVIDIA fixture as our exported network, with its generator config edited.
    string ExportedWith(Action<JsonObject> editConfig)
    {
        var exported = Path.Combine(folder, "exported.safetensors");
        if (!File.Exists(exported))
            using (var networks = NetworkFile.Load(ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"))) NetworkFile.Save(exported, networks);
        using var file = Safetensors.Load(exported);
        var config = JsonNode.Parse(file.Metadata["G_config"])!.AsObject();
        editConfig(config);
        var metadata = new Dictionary<string, string>(file.Metadata) { ["G_config"] = config.ToJsonString() };
        var path = Path.Combine(folder, "edited.safetensors");
        Safetensors.Save(path, file.Tensors, metadata);
        return path;
    }

    [Theory]
    [InlineData("z_dim", 1_000_000_000, "z_dim is 1000000000, outside [1, 4096]")]
    [InlineData("img_resolution", 1 << 20, "img_resolution is 1048576, outside [4, 4096]")]
    [InlineData("img_resolution", 48, "img_resolution is 48, not a power of two")]
    [InlineData("w_dim", 0, "w_dim is 0, outside [1, 4096]")]
    public void AbsurdSizesInAConfigAreRefusedQuickly(string key, int value, string expected)
    {
        var path = ExportedWith(config => config[key] = value);
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void AMappingOfTenMillionLayersIsRefused()
    {
        var path = ExportedWith(config => config["mapping_kwargs"]!["num_layers"] = 10_000_000);
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains("mapping_kwargs.num_layers is 10000000, outside [0, 64]", error.Message);
    }

    [Fact]
    public void AConfigLargerThanItsFileIsRefused()
    {
        // Within every limit, but 1024x1024 with 4096 channels needs billions of weights; the file has kilobytes.
        var path = ExportedWith(config =>
        {
            config["img_resolution"] = 1024;
            config["synthesis_kwargs"]!["channel_base"] = 1 << 20;
            config["synthesis_kwargs"]!["channel_max"] = 4096;
        });
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains("cannot hold", error.Message);
    }

    [Fact]
    public void AConfigEntryOfTheWrongKindIsNamedWithoutDotNetTypeNames()
    {
        var path = ExportedWith(config => config["z_dim"] = "many");
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("'z_dim'", error.Message);
        Assert.DoesNotContain("System.", error.Message);
    }

    [Theory]
    [InlineData("mapping_kwargs")]
    [InlineData("synthesis_kwargs")]
    public void ANullWhereAConfigNeedsArgumentsIsRefusedNamingTheEntry(string key)
    {
        // A null record got past the parser and ended in a NullReferenceException when the limits were checked.
        var path = ExportedWith(config => config[key] = null);
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Equal($"{path}: the generator config has null where a value is needed at '{key}'.", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteWeightsAreRefusedNamingTheTensor(float value)
    {
        var path = Path.Combine(folder, "nan.safetensors");
        using (var networks = NetworkFile.Load(ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl")))
        {
            using (no_grad()) networks.GEma!.Synthesis.get_parameter("b8.conv1.weight")!.view(-1)[3] = value;
            NetworkFile.Save(path, networks);
        }
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("'G_ema.synthesis.b8.conv1.weight'", error.Message);
    }

    [Fact]
    public void LimitsHoldForEveryPublishedSize()
    {
        // FFHQ 1024 (config F) is inside every limit and its weight bound is below its real weight count.
        var ffhq = new GeneratorConfig { ZDim = 512, WDim = 512, ImgResolution = 1024, SynthesisKwargs = new SynthesisConfig { ChannelBase = 32768, ChannelMax = 512 } };
        NetworkLimits.Check(ffhq, "ffhq");
        Assert.InRange(NetworkLimits.WeightCountLowerBound(ffhq), 20_000_000, 30_000_000); // the real G has 30.4M parameters
    }

    [Fact]
    public void WeightBoundsAreBelowTheRealCounts()
    {
        foreach (var set in new[] { ReferenceSet.InRepository, ReferenceSet.Conditional64 })
        {
            using var g = set.Load("generator");
            var gConfig = GeneratorConfig.FromJson(g.Metadata["config"], set.Name);
            using var generator = new Generator(gConfig);
            long gReal = generator.parameters().Sum(p => p.numel());
            Assert.InRange(NetworkLimits.WeightCountLowerBound(gConfig), gReal / 2, gReal);

            using var d = set.Load("discriminator");
            var dConfig = DiscriminatorConfig.FromJson(d.Metadata["config"], set.Name);
            using var discriminator = new Discriminator(dConfig);
            long dReal = discriminator.parameters().Sum(p => p.numel());
            Assert.InRange(NetworkLimits.WeightCountLowerBound(dConfig), dReal / 2, dReal);
        }
    }

    [Fact]
    public void APickleWhoseConstructorArgumentsAreAbsurdIsRefusedQuickly()
    {
        // The tiny NVIDIA pickle with z_dim = 32 (BININT1 32, after the key or its memo reference) made 10^9 (BININT).
        var bytes = File.ReadAllBytes(ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"));
        var patched = System.Text.RegularExpressions.Regex.Replace(Latin1(bytes), "(X\x05\0\0\0z_dimr\xe1\x05\0\0|j\xe1\x05\0\0)K ",
            m => m.Groups[1].Value + "J\0\xca\x9a\x3b");
        Assert.NotEqual(Latin1(bytes), patched);
        var path = Path.Combine(folder, "absurd.pkl");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(patched));
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("z_dim is 1000000000, outside [1, 4096]", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    static string Latin1(byte[] bytes) => System.Text.Encoding.Latin1.GetString(bytes);
}
