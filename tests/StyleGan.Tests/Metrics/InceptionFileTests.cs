using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Runtime;
using StyleGan.Formats.Pickle;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>Reading pytorch-fid's Inception file, refusing others, finding the published one, and the input the network takes.</summary>
public sealed class InceptionFileTests
{
    static string Fixture(string name) => Path.Combine(ReferenceData.Fixture("inception"), name);

    [Fact]
    public void TheNetworkHasTheFilesNamesAndWidths()
    {
        var path = Fixture("inception-narrow.pth");
        using var network = InceptionV3.Load(path);
        string[] fileKeys;
        using (NewDisposeScope()) fileKeys = [.. TorchModules.TensorDict(TorchFile.Load(path), path).Keys.Order()];
        Assert.Equal(fileKeys, network.state_dict().Keys.Order());
        Assert.Equal(128, network.FeatureCount);
        Assert.Equal([InceptionV3.ClassCount, 128], network.state_dict()["fc.weight"].shape);
        Assert.All(network.parameters(), p => Assert.False(p.requires_grad));

        // pytorch-fid's fid_inception_v3(): 566 state-dict entries (94 batch-norm counters among them), 23,850,960 parameters.
        using var published = new InceptionV3();
        Assert.Equal(2048, published.FeatureCount);
        Assert.Equal(fileKeys, published.state_dict().Keys.Order());
        Assert.Equal(566, published.state_dict().Count);
        Assert.Equal(23_850_960, published.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("inception/torchvision-inception-narrow.pth", "'AuxLogits.conv0.conv.weight'")] // torchvision's ImageNet Inception
    [InlineData("inception/inception-one-element.pth", "'Conv2d_1a_3x3.conv.weight' has shape [1]")] // the names, but no widths
    [InlineData("lpips/lin-narrow.pth", "'Conv2d_1a_3x3.conv.weight'")]                          // not an Inception at all
    public void AFileOfAnotherLayoutIsRefusedNamingTheEntry(string file, string entry)
    {
        var path = Path.Combine(ReferenceData.Fixture(""), file);
        var e = Assert.Throws<InvalidDataException>(() => InceptionV3.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(entry, e.Message);
    }

    [Fact]
    public void AMissingFileNamesItsAddressAndTheFolderToPutItIn()
    {
        const string Address = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth";
        // The tests' cache folder (TestCache) has no Inception file.
        var e = Assert.Throws<InvalidValueException>(() => InceptionV3.Load().Dispose());
        Assert.Equal(InceptionV3.WeightsSetting, e.Name);
        Assert.Contains("pt_inception-2015-12-05-6726825d.pth", e.Message);
        Assert.Contains(Address, e.Message);
        Assert.Contains(CacheFolder.Path, e.Message);
        Assert.Equal("6726825d", InceptionV3.Published.Sha256Prefix);

        var given = Path.Combine(TestCache.Folder, "no-such-inception.pth");
        var missing = Assert.Throws<FileNotFoundException>(() => InceptionV3.Load(given).Dispose());
        Assert.Equal(given, missing.FileName);
        Assert.Contains(given, missing.Message);
        Assert.Contains(Address, missing.Message);
    }

    [Fact]
    public void ImagesOfOtherShapesOrTypesAreRefused()
    {
        var twoChannels = Assert.Throws<ArgumentException>(() => InceptionV3.Preprocess(zeros(1, 2, 8, 8)));
        Assert.Contains("[1, 2, 8, 8]", twoChannels.Message);
        var bytes = Assert.Throws<ArgumentException>(() => InceptionV3.Preprocess(zeros(new long[] { 1, 3, 8, 8 }, uint8)));
        Assert.Contains(nameof(PixelRange.UnitFromUint8), bytes.Message);
    }

    [Fact]
    public void GeneratedImagesReachTheNetworkAsTheirSavedFilesWould()
    {
        using var scope = NewDisposeScope();
        var levels = arange(256, dtype: uint8).reshape(1, 1, 16, 16);
        var unit = PixelRange.UnitFromUint8(levels);
        Assert.Equal(Enumerable.Range(0, 256).Select(v => v / 255f), unit.data<float>().ToArray());
        // A generated image [-1, 1] is quantized as saved (PixelRange.ToUint8), then divided as pytorch-fid reads the file.
        Assert.Equal(unit.data<float>().ToArray(), PixelRange.UnitFromSigned(PixelRange.FromUint8(levels)).data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, PixelRange.UnitFromSigned(tensor(new[] { -1.5f, -1f, 1f, 2f })).data<float>().ToArray());
    }
}
