using SkiaSharp;
using StyleGan.Data;

namespace StyleGan.Tests.Data;

public sealed class ImageDatasetTests : TestImages
{
    [Fact]
    public void OpensNestedFolderInPathOrderAndDecodesPixels()
    {
        Png("set/z.png", 4, 4, (_, _) => new SKColor(0, 255, 0));
        Png("set/a/y.png", 4, 4, (_, _) => new SKColor(0, 0, 255));
        Png("set/a/b/x.png", 4, 4, (x, _) => x == 0 ? new SKColor(10, 20, 30) : new SKColor(255, 0, 0));
        File.WriteAllText(Path.Combine(Folder, "set", "notes.txt"), "not an image, not listed");

        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"));
        Assert.Equal(3, dataset.Count);
        Assert.Equal(4, dataset.Resolution);
        Assert.Equal(3, dataset.Channels);
        Assert.Equal(0, dataset.LabelDim);
        Assert.Equal(["a/b/x.png", "a/y.png", "z.png"], Enumerable.Range(0, 3).Select(dataset.FileName));
        using var images = dataset.Images([0, 2]);
        Assert.Equal(new long[] { 2, 3, 4, 4 }, images.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, images.dtype);
        Assert.Equal(new byte[] { 10, 20, 30 }, images[0, .., 0, 0].data<byte>().ToArray());
        Assert.Equal(new byte[] { 255, 0, 0 }, images[0, .., 3, 3].data<byte>().ToArray());
        Assert.Equal(new byte[] { 0, 255, 0 }, images[1, .., 2, 1].data<byte>().ToArray());
        Assert.Null(dataset.Labels([0]));
    }

    [Fact]
    public void GrayscaleImagesStayOneChannel()
    {
        GrayPng("set/a.png", 8, 40);
        GrayPng("set/b.png", 8, 200);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"));
        Assert.Equal(1, dataset.Channels);
        using var images = dataset.Images([1, 0]);
        Assert.Equal(new long[] { 2, 1, 8, 8 }, images.shape);
        Assert.Equal(200, images[0, 0, 5, 5].item<byte>());
        Assert.Equal(40, images[1, 0, 0, 7].item<byte>());
    }

    [Fact]
    public void OpensZipWithOneHotLabelsFromDatasetJson()
    {
        Png("set/00000/img00000000.png", 4, 4, (_, _) => SKColors.Red);
        Png("set/00000/img00000001.png", 4, 4, (_, _) => SKColors.Blue);
        File.WriteAllText(Path.Combine(Folder, "set", "dataset.json"),
            """{"labels": [["00000/img00000000.png", 2], ["00000/img00000001.png", 0]]}""");
        using var dataset = ImageDataset.Open(Zip("set"));
        Assert.Equal(2, dataset.Count);
        Assert.Equal(3, dataset.LabelDim);
        using var labels = dataset.Labels([0, 1])!;
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0 }, labels.data<float>().ToArray());
        using var images = dataset.Images([1]);
        Assert.Equal(255, images[0, 2, 0, 0].item<byte>());

        using var unconditional = ImageDataset.Open(dataset.Path, useLabels: false);
        Assert.Equal(0, unconditional.LabelDim);
        Assert.Null(unconditional.Labels([0]));
    }

    [Fact]
    public void VectorLabelsAreUsedAsIs()
    {
        GrayPng("set/a.png", 4, 1);
        File.WriteAllText(Path.Combine(Folder, "set", "dataset.json"), """{"labels": [["a.png", [0.5, -2.0]]]}""");
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"));
        Assert.Equal(2, dataset.LabelDim);
        Assert.Equal(new float[] { 0.5f, -2f }, dataset.Labels([0])!.data<float>().ToArray());
    }

    [Fact]
    public void MissingLabelIsAnErrorNamingTheImageOrSkipped()
    {
        GrayPng("set/a.png", 4, 1);
        GrayPng("set/b.png", 4, 1);
        File.WriteAllText(Path.Combine(Folder, "set", "dataset.json"), """{"labels": [["a.png", 0]]}""");
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains("b.png", error.Message);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"), skipBad: true);
        Assert.Equal(1, dataset.Count);
        Assert.Equal("b.png", Assert.Single(dataset.Skipped).File);
    }

    [Fact]
    public void UnreadableFileIsNamedOrSkippedAndCounted()
    {
        GrayPng("set/a.png", 4, 1);
        GrayPng("set/c.png", 4, 1);
        Write("set/b.png", "this is not a PNG"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains(Path.Combine(Folder, "set", "b.png"), error.Message);
        Assert.Contains("`SkipBad`", error.Message);

        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"), skipBad: true);
        Assert.Equal(2, dataset.Count);
        Assert.Equal("b.png", Assert.Single(dataset.Skipped).File);
    }

    [Fact]
    public void FileDamagedAfterOpenIsNamedWhenDecoded()
    {
        GrayPng("set/a.png", 16, 1);
        var noise = new System.Random(1);
        var damaged = Png("set/b.png", 16, 16, (_, _) => new SKColor((uint)noise.Next()));
        var bytes = File.ReadAllBytes(damaged);
        File.WriteAllBytes(damaged, bytes[..(bytes.Length / 2)]);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"));
        dataset.Images([0]).Dispose();
        var error = Assert.Throws<InvalidDataException>(() => dataset.Images([1]));
        Assert.Contains(damaged, error.Message);
    }

    [Fact]
    public void MixedSizesNameAFileOfEachSizeOrKeepTheMajority()
    {
        GrayPng("set/a.png", 8, 1);
        GrayPng("set/b.png", 8, 1);
        GrayPng("set/c.png", 4, 1);
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains("a.png is 8x8", error.Message);
        Assert.Contains("c.png is 4x4", error.Message);
        Assert.Contains("`DatasetTool.Convert`", error.Message);

        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"), skipBad: true);
        Assert.Equal(8, dataset.Resolution);
        Assert.Equal(2, dataset.Count);
        Assert.Equal("c.png", Assert.Single(dataset.Skipped).File);
    }

    [Fact]
    public void SizeThatIsNotASquarePowerOfTwoSuggestsTheResolutionOption()
    {
        Png("set/a.png", 6, 6, (_, _) => SKColors.Red);
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains("6x6", error.Message);
        Assert.Contains("`Resolution`", error.Message);
    }

    [Fact]
    public void EmptyFolderAndMissingPathAreClearErrors()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "empty"));
        var empty = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "empty")));
        Assert.Contains("no images", empty.Message);

        var missing = Path.Combine(Folder, "absent");
        var error = Assert.Throws<FileNotFoundException>(() => ImageDataset.Open(missing));
        Assert.Contains(missing, error.Message);
        Assert.Equal(missing, error.FileName);
    }
}
