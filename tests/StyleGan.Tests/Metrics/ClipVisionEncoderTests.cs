using StyleGan.Formats;
using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Runtime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>The narrow set of the repository: 28 px, patches of 7, width 128 (two heads), two layers, 64-wide embeddings.</summary>
public sealed class ClipInRepositoryTests(ITestOutputHelper output) : ClipReferenceTests(ReferenceSet.InRepository("clip"), output);

/// <summary>A full-size set: random weights at ViT-L/14's sizes at 336 px, in the published file's layout.</summary>
public sealed class ClipEnvironmentTests(ITestOutputHelper output) : ClipReferenceTests(ReferenceSet.FromEnvironment(ClipEnvironmentTests.Variable), output)
{
    /// <summary>The environment variable naming a full-size set (make_fixtures.py --full DIR).</summary>
    public const string Variable = "STYLEGAN_CLIP_FIXTURE";
}

/// <summary>Our CLIP image tower against the network inputs and embeddings of OpenAI's code with CMMD's preprocessing
/// (tests/fixtures/clip/make_fixtures.py, see its README).</summary>
public abstract class ClipReferenceTests(ReferenceSet set, ITestOutputHelper output) : IDisposable
{
    /// <summary>The weights file's name in every set.</summary>
    public const string WeightsFile = "clip-random.safetensors";

    SafetensorsFile? expected;
    ClipVisionEncoder? network;

    // Opened on first use, so that a test of an absent set is skipped rather than failed.
    SafetensorsFile Expected => expected ??= Safetensors.Load(set.File("expected.safetensors"));
    ClipVisionEncoder Network => network ??= ClipVisionEncoder.Load(set.File(WeightsFile));

    public void Dispose()
    {
        network?.Dispose();
        expected?.Dispose();
    }

    // The float32 bound of the embeddings from the network's sizes (Float32Rounding): the patch embedding, six sums in
    // sequence in each encoder layer (q, k, v; q·k; the attention-weighted sum of v; the output projection; fc1; fc2),
    // then the projection. The widest is fc2's, over the MLP's width; the attention's (a head's width, the tokens) are shorter.
    double Float32Bound => Float32Rounding.Bound(Float32Rounding.LongestReduction(Network), 1 + 6 * EncoderLayers + 1);
    int EncoderLayers => Network.named_parameters().Count(p => p.name.EndsWith(".mlp.fc2.weight", StringComparison.Ordinal));

    [SkippableTheory]
    [InlineData("rgb")]   // three RGB images at 32x32
    [InlineData("wide")]  // one RGB image, 48 high and 64 wide
    [InlineData("gray")]  // one gray image at 20x24
    public void EmbeddingsOfImagesMatchTheReference(string images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var embeddings = Network.forward(PixelRange.UnitFromUint8(Expected[$"{images}.image"]));
        Assert.Equal(ScalarType.Float32, embeddings.dtype);
        set.Check(output, Expected[$"{images}.embedding"], embeddings, $"{images} embeddings", Float32Bound);
        // One float32 division by the length: a few roundings of 6e-8 each (measured: 6e-8).
        set.Check(output, ones(embeddings.shape[0], dtype: float64), embeddings.to(float64).norm(-1), $"{images} embedding lengths", 1e-6);
    }

    [SkippableTheory]
    [InlineData("rgb")]
    [InlineData("wide")]
    [InlineData("gray")]
    public void FilesAreReadAsCmmdsFolderReaderReadsThem(string images)
    {
        // io_util.py: the central square resized by Pillow (PilResizeTests checks that op against Pillow), then embed().
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = Expected[$"{images}.image"];
        var (embeddings, logits) = Network.Extract(image);
        Assert.Null(logits);
        var expected = Network.forward(PixelRange.UnitFromUint8(StyleGan.Images.PilResize.CenterCropSquare(image, (int)Network.ImageSize)));
        // The same computation on the same input: bit for bit.
        set.Check(output, expected, embeddings, $"{images} file embeddings", 0);
    }

    [SkippableTheory]
    [InlineData("rgb")]
    [InlineData("wide")]
    [InlineData("gray")]
    public void TheNetworksInputIsCmmds(string images)
    {
        using var scope = NewDisposeScope();
        var input = Network.Preprocess(PixelRange.UnitFromUint8(Expected[$"{images}.image"]));
        Assert.Equal([Expected[$"{images}.image"].shape[0], 3, Network.ImageSize, Network.ImageSize], input.shape);
        // Not a network: libtorch 2.10's bicubic resize against PyTorch 1.13's, both in float32 (measured: 2.3e-6).
        set.Check(output, Expected[$"{images}.input"], input, $"{images} input", 1e-5);
    }

    [SkippableFact]
    public void TheSizesComeFromTheFilesShapes()
    {
        var weights = Expected.Metadata["weights"];
        Assert.Equal(WeightsFile, weights);
        Assert.Equal(Expected["rgb.embedding"].shape[1], Network.FeatureCount);
        Assert.Equal(Expected["rgb.input"].shape[3], Network.ImageSize);
        Assert.All(Network.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(Network.training);
        Assert.Equal(64, Network.WeightsDigest!.Length);
    }
}

/// <summary>Reading Hugging Face's CLIP file, refusing others, and finding the published one.</summary>
public sealed class ClipVisionEncoderFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("clip-file").FullName;

    static string Weights => Path.Combine(ReferenceData.Fixture("clip"), ClipReferenceTests.WeightsFile);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void OnlyTheImageTowersEntriesAreRead()
    {
        using var network = ClipVisionEncoder.Load(Weights);
        using var reader = SafetensorsReader.Open(Weights);
        var vision = reader.Entries.Keys.Where(name => name.StartsWith("vision_model.", StringComparison.Ordinal) || name == "visual_projection.weight")
            .Where(name => name != "vision_model.embeddings.position_ids");
        Assert.Equal(vision.Order(), network.state_dict().Keys.Order());
        Assert.Contains("text_projection.weight", reader.Entries.Keys);
        Assert.Contains("logit_scale", reader.Entries.Keys);
        // 8 entries outside the blocks (position_ids, a buffer, is skipped), 16 in each of the two.
        Assert.Equal(8 + 2 * 16, network.state_dict().Count);
    }

    [Fact]
    public void AFileOfAnotherLayoutIsRefusedNamingTheFileAndTheEntry()
    {
        // A safetensors file of other tensors, and a file that is not safetensors at all.
        var other = Path.Combine(ReferenceData.Fixture("inception"), "expected.safetensors");
        var e = Assert.Throws<InvalidDataException>(() => ClipVisionEncoder.Load(other).Dispose());
        Assert.Contains(other, e.Message);
        Assert.Contains("'vision_model.embeddings.patch_embedding.weight'", e.Message);
        Assert.Contains("'small.image'", e.Message);

        var pickle = Path.Combine(ReferenceData.Fixture("inception"), "inception-narrow.pth");
        Assert.Contains(pickle, Assert.Throws<InvalidDataException>(() => ClipVisionEncoder.Load(pickle).Dispose()).Message);
    }

    [Theory]
    [InlineData("vision_model.encoder.layers.1.self_attn.k_proj.bias", null)]
    [InlineData("vision_model.post_layernorm.weight", null)]
    [InlineData(null, "vision_model.encoder.layers.0.self_attn.qkv.weight")]
    [InlineData(null, "vision_model.encoder.layers.2.layer_norm2.weight")]
    public void AFileWithAnEntryMissingOrTooManyIsRefusedNamingIt(string? dropped, string? added)
    {
        var path = Path.Combine(folder, "changed.safetensors");
        using (var file = Safetensors.Load(Weights))
        {
            if (dropped is not null) Assert.True(file.Tensors.Remove(dropped, out var removed), dropped);
            if (added is not null) file.Tensors[added] = zeros(3);
            Safetensors.Save(path, file.Tensors);
        }
        var e = Assert.Throws<InvalidDataException>(() => ClipVisionEncoder.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains($"'{dropped ?? added}'", e.Message);
    }

    [Fact]
    public void AnEntryOfTheWrongShapeIsRefusedNamingIt()
    {
        var path = Path.Combine(folder, "reshaped.safetensors");
        const string Entry = "vision_model.encoder.layers.1.mlp.fc2.weight";
        using (var file = Safetensors.Load(Weights))
        {
            file.Tensors[Entry] = file.Tensors[Entry].T.contiguous();
            Safetensors.Save(path, file.Tensors);
        }
        var e = Assert.Throws<InvalidDataException>(() => ClipVisionEncoder.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(Entry, e.Message);
    }

    [Fact]
    public void AMissingFileNamesItsAddressAndTheFolderToPutItIn()
    {
        const string Address = "https://huggingface.co/openai/clip-vit-large-patch14-336/resolve/main/model.safetensors";
        // The tests' cache folder (TestCache) has no CLIP file.
        var e = Assert.Throws<InvalidValueException>(() => ClipVisionEncoder.Load().Dispose());
        Assert.Equal(ClipVisionEncoder.WeightsSetting, e.Name);
        Assert.Contains("clip-vit-large-patch14-336.safetensors", e.Message);
        Assert.Contains(Address, e.Message);
        Assert.Contains(CacheFolder.Path, e.Message);
        Assert.Null(ClipVisionEncoder.Published.Sha256Prefix);

        var given = Path.Combine(folder, "no-such-clip.safetensors");
        var missing = Assert.Throws<FileNotFoundException>(() => ClipVisionEncoder.Load(given).Dispose());
        Assert.Equal(given, missing.FileName);
        Assert.Contains(given, missing.Message);
        Assert.Contains(Address, missing.Message);
    }

    [Fact]
    public void ImagesOfOtherShapesOrTypesAreRefused()
    {
        using var network = ClipVisionEncoder.Load(Weights);
        var twoChannels = Assert.Throws<ArgumentException>(() => network.Preprocess(zeros(1, 2, 8, 8)));
        Assert.Contains("[1, 2, 8, 8]", twoChannels.Message);
        var bytes = Assert.Throws<ArgumentException>(() => network.Preprocess(zeros(new long[] { 1, 3, 8, 8 }, uint8)));
        Assert.Contains(nameof(PixelRange.UnitFromUint8), bytes.Message);
    }
}
