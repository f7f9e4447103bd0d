using StyleGan.Formats;
using StyleGan.Metrics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class Vgg16EmbeddingInRepositoryTests(ITestOutputHelper output)
    : Vgg16EmbeddingReferenceTests(ReferenceSet.InRepository("vgg16"), "vgg16-narrow.pth", output)
{
    [Fact]
    public void BothSaveFormatsGiveTheSameNetworkUnderTorchvisionsNames()
    {
        // torch.save's legacy format (as vgg16-397923af.pth) and its zip format of the same state dict.
        using var zip = Vgg16Embedding.Load(Path.Combine(ReferenceData.Fixture("vgg16"), "vgg16-narrow-zip.pth"));
        var legacy = Network.state_dict();
        int[] convolutions = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
        Assert.Equal(convolutions.SelectMany(i => new[] { $"trunk.features.{i}.weight", $"trunk.features.{i}.bias" })
            .Concat(["classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"]), legacy.Keys);
        foreach (var (name, tensor) in zip.state_dict())
            Assert.True(tensor.equal(legacy[name]).all().item<bool>(), $"{name} differs between the two formats.");
        Assert.Equal(32, Network.FeatureCount);
        Assert.All(Network.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void AnInputOfAnotherSizeGoesThroughTheAdaptivePool()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // 64x48 gives pool5 2x1, which torchvision's adaptive average pool spreads to 7x7.
        Set.Check(Output, Expected["raw.features"], Network.forward(Expected["raw.input"]), "raw 64x48 features", Float32Bound);
    }
}

public sealed class Vgg16EmbeddingEnvironmentTests(ITestOutputHelper output)
    : Vgg16EmbeddingReferenceTests(ReferenceSet.FromEnvironment(Vgg16EmbeddingEnvironmentTests.Variable), "vgg16-random.pth", output)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_VGG16_FIXTURE";
}

/// <summary>Our VGG16 embedding against torchvision's own forward (tests/fixtures/vgg16/make_fixtures.py, see its README).</summary>
public abstract class Vgg16EmbeddingReferenceTests(ReferenceSet set, string weightsFile, ITestOutputHelper output) : IDisposable
{
    SafetensorsFile? expected;
    Vgg16Embedding? network;

    protected ReferenceSet Set => set;
    protected ITestOutputHelper Output => output;
    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    protected SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    protected Vgg16Embedding Network => network ??= Vgg16Embedding.Load(set.File(weightsFile));

    /// <summary>The float32 bound of fc7 (Float32Rounding): 13 convolutions, fc6 and fc7 in sequence; the widest, fc6, sums pool5's 7x7 channels.</summary>
    protected double Float32Bound => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), 13 + 2);

    public void Dispose()
    {
        network?.Dispose();
        expected?.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableTheory]
    [InlineData("small")]  // four at 32x32
    [InlineData("wide")]   // one at 37x53
    [InlineData("exact")]  // one at 224x224, which the resize leaves as it is
    [InlineData("large")]  // one at 300x256, resized down
    [InlineData("gray")]   // two gray ones at 28x28
    public void FeaturesOfUint8ImagesMatchTheReference(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (features, logits) = Network.Extract(Expected[$"{images}.image"]);
        Assert.Null(logits);
        Assert.Equal(ScalarType.Float32, features.dtype);
        Set.Check(output, Expected[$"{images}.features"], features, $"{images} fc7", Float32Bound);
    }

    [SkippableTheory]
    [InlineData("small")]
    [InlineData("large")]
    [InlineData("gray")]
    public void PreprocessingMatchesTheReference(string images)
    {
        using var scope = NewDisposeScope();
        var input = Vgg16Embedding.Preprocess(Expected[$"{images}.image"]);
        Assert.Equal([input.shape[0], 3, 224, 224], input.shape);
        // Every 7th pixel and each channel's mean: the whole input is 600 KB an image. Resized down (300x256), the
        // interpolation weights of our libtorch and the reference's 1.13 round differently, by up to 7e-6.
        var every7 = input.index(TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(step: 7), TensorIndex.Slice(step: 7));
        Set.Check(output, Expected[$"{images}.input_every7"], every7, $"{images} input (every 7th pixel)", 1e-5);
        Set.Check(output, Expected[$"{images}.input_mean"], input.mean([2, 3]), $"{images} input (channel means)", 1e-5);
    }
}

/// <summary>Reading torchvision's whole VGG16 file, refusing others, and finding it.</summary>
public sealed class Vgg16EmbeddingFileTests
{
    static string Fixture(string name) => Path.Combine(ReferenceData.Fixture("vgg16"), name);

    [Theory]
    [InlineData("vgg16/vgg16-trunk-only.pth", "'classifier.0.weight'")]  // the convolutions alone, as LPIPS needs them
    [InlineData("lpips/lin-narrow.pth", "'classifier.0.weight'")]        // not a VGG at all
    [InlineData("lpips/vgg16-bn.pth", "'classifier.0.weight'")]          // vgg16_bn's trunk
    public void AFileWithoutTheClassifierIsRefusedNamingTheFileAndTheEntry(string file, string entry)
    {
        var path = Path.Combine(ReferenceData.Fixture(""), file);
        var e = Assert.Throws<InvalidDataException>(() => Vgg16Embedding.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(entry, e.Message);
        Assert.Contains("LPIPS", e.Message);
    }

    [Fact]
    public void TheWeightsDigestIsTheFilesSha256()
    {
        using var network = Vgg16Embedding.Load(Fixture("vgg16-narrow.pth"));
        using var sha = System.Security.Cryptography.SHA256.Create();
        Assert.Equal(Convert.ToHexStringLower(sha.ComputeHash(File.ReadAllBytes(Fixture("vgg16-narrow.pth")))), network.WeightsDigest);
        Assert.Equal("VGG16 fc7 (torchvision)", network.Name);
    }

    [Fact]
    public void AMissingFileNamesTheSettingAndTheAddress()
    {
        var given = Path.Combine(TestCache.Folder, "no-such-vgg16.pth");
        // A path the user gave: the file it names is missing (the CLI names the flag that gave it, by the path).
        var e = Assert.Throws<FileNotFoundException>(() => Vgg16Embedding.Load(given).Dispose());
        Assert.Equal(given, e.FileName);
        Assert.Contains(given, e.Message);
        Assert.Contains("https://download.pytorch.org/models/vgg16-397923af.pth", e.Message);
    }

    [Fact]
    public void PreprocessingTakesUint8ImagesOnly()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Vgg16Embedding.Preprocess(zeros(1, 3, 8, 8)));
        Assert.Contains("uint8", e.Message);
        Assert.Throws<ArgumentException>(() => Vgg16Embedding.Preprocess(zeros([1, 2, 8, 8], ScalarType.Byte)));
    }
}
