using StyleGan.Cli;
using StyleGan.Formats;
using StyleGan.Metrics;
using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>Reading the published VGG16 and LPIPS files, refusing others, and finding the VGG16 file.</summary>
public sealed class LpipsFileTests
{
    static string Fixture(string name) => Path.Combine(ReferenceData.Fixture("lpips"), name);
    // The copy beside the executable, which the tool reads.
    static string BundledLin => BundledData.LpipsVgg;

    [Fact]
    public void TheTrunkHasTorchvisionsNamesAndTheFilesWidths()
    {
        using var vgg = Vgg16Features.Load(Fixture("vgg16-narrow.pth"));
        int[] convolutions = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
        Assert.Equal(convolutions.SelectMany(i => new[] { $"features.{i}.weight", $"features.{i}.bias" }), vgg.state_dict().Keys);
        Assert.Equal([8L, 16, 32, 64, 64], vgg.TapChannels);
        Assert.All(vgg.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void TheBundledWeightsAreLpipsOwn()
    {
        using var expected = Safetensors.Load(Fixture("expected.safetensors"));
        using var lpips = Lpips.Load(BundledLin, new Vgg16Features(Vgg16Features.StandardWidths));
        var state = lpips.state_dict();
        for (int k = 0; k < 5; k++)
        {
            var name = $"lin{k}.model.1.weight";
            Assert.Equal(expected[$"bundled.{name}"].shape, state[name].shape);
            Assert.Equal(expected[$"bundled.{name}"].data<float>().ToArray(), state[name].data<float>().ToArray());
        }
    }

    [Theory]
    [InlineData("vgg16-bn.pth", "'features.5.weight'")]           // torchvision's vgg16_bn: batch norms shift the indices
    [InlineData("vgg16-wrong-shape.pth", "'features.7.weight'")]  // one convolution of the wrong input width
    [InlineData("lin-narrow.pth", "'features.0.weight'")]         // not a VGG at all
    public void AVggFileOfAnotherLayoutIsRefusedNamingTheEntry(string file, string entry)
    {
        var path = Fixture(file);
        var e = Assert.Throws<InvalidDataException>(() => Vgg16Features.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(entry, e.Message);
    }

    [Fact]
    public void LinWeightsThatDoNotFitTheTrunkAreRefusedNamingTheEntry()
    {
        var wrongWidth = Assert.Throws<InvalidDataException>(() => Lpips.Load(BundledLin, Vgg16Features.Load(Fixture("vgg16-narrow.pth"))).Dispose());
        Assert.Contains(BundledLin, wrongWidth.Message);
        Assert.Contains("'lin0.model.1.weight'", wrongWidth.Message);

        var notLin = Fixture("vgg16-narrow.pth");
        var other = Assert.Throws<InvalidDataException>(() => Lpips.Load(notLin, Vgg16Features.Load(Fixture("vgg16-narrow.pth"))).Dispose());
        Assert.Contains(notLin, other.Message);
        Assert.Contains("lin0.model.1.weight", other.Message);
        Assert.Contains("features.0.weight", other.Message);
    }

    [Fact]
    public void AMissingVggFileNamesItsAddressAndTheFolderToPutItIn()
    {
        // The tests' cache folder (TestCache) has no VGG16 file.
        var e = Assert.Throws<InvalidValueException>(() => Lpips.Load(Fixture("lin-narrow.pth")).Dispose());
        Assert.Equal(Lpips.VggSetting, e.Name);
        Assert.Contains("vgg16-397923af.pth", e.Message);
        Assert.Contains("https://download.pytorch.org/models/vgg16-397923af.pth", e.Message);
        Assert.Contains(CacheFolder.Path, e.Message);
        Assert.Contains("--vgg", CliErrors.WithFlags(e.Message, SettingFlags.Of(StyleGan.Cli.Entry.Program.Root())));

        var given = Path.Combine(TestCache.Folder, "no-such-vgg16.pth");
        var missing = Assert.Throws<FileNotFoundException>(() => Lpips.Load(Fixture("lin-narrow.pth"), given).Dispose());
        Assert.Equal(given, missing.FileName);
        Assert.Contains(given, missing.Message);
        Assert.Contains("https://download.pytorch.org/models/vgg16-397923af.pth", missing.Message);
    }

    [Fact]
    public void AFileInTheCacheIsCheckedAgainstItsPublishedDigest()
    {
        var name = $"published-{Guid.NewGuid():N}.bin";
        Directory.CreateDirectory(CacheFolder.Path);
        var path = Path.Combine(CacheFolder.Path, name);
        File.WriteAllText(path, "abc"); // SHA-256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        try
        {
            Assert.Equal(path, new PublishedFile(name, "https://example.org/file", "ba7816bf").Locate(null, "File", "a file"));
            var e = Assert.Throws<InvalidDataException>(() => new PublishedFile(name, "https://example.org/file", "397923af").Locate(null, "File", "a file"));
            Assert.Contains(path, e.Message);
            Assert.Contains("ba7816bf8f01cfea", e.Message);
            Assert.Contains("https://example.org/file", e.Message);
            // A path the user gives is read as it is.
            Assert.Equal(path, new PublishedFile("other.bin", "https://example.org/file", "397923af").Locate(path, "File", "a file"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
