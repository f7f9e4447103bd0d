using SkiaSharp;
using StyleGan.Data;
using StyleGan.Images;

namespace StyleGan.Tests.Data;

public sealed class DatasetToolTests : TestImages
{
    DatasetReport Convert(string source, string dest, Func<DatasetToolOptions, DatasetToolOptions>? change = null)
    {
        var options = new DatasetToolOptions { Source = Path.Combine(Folder, source), Destination = Path.Combine(Folder, dest) };
        return DatasetTool.Convert(change is null ? options : change(options));
    }

    SKBitmap Written(string dest, int index = 0) => Decode(Path.Combine(Folder, dest, "00000", $"img{index:D8}.png"));

    [Fact]
    public void CenterCropKeepsTheMiddleSquare()
    {
        Png("src/wide.png", 6, 4, (x, _) => x == 0 ? SKColors.Red : x == 5 ? SKColors.Blue : SKColors.Lime);
        var report = Convert("src", "out", o => o with { Resolution = 4 });
        Assert.Equal((1, 1, 0, 0, 4, 3), (report.Written, report.Cropped, report.Padded, report.Resized, report.Resolution, report.Channels));
        using var image = Written("out");
        Assert.Equal((4, 4), (image.Width, image.Height));
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(SKColors.Lime, image.GetPixel(x, y));
    }

    [Fact]
    public void PadCentresTheImageOnTheBackground()
    {
        Png("src/flat.png", 4, 2, (_, _) => SKColors.Red);
        var report = Convert("src", "out", o => o with { Resolution = 4, Transform = SquareTransform.Pad, Background = SKColors.Black });
        Assert.Equal((0, 1, 0), (report.Cropped, report.Padded, report.Resized));
        using var image = Written("out");
        for (int x = 0; x < 4; x++)
        {
            Assert.Equal(SKColors.Black, image.GetPixel(x, 0));
            Assert.Equal(SKColors.Red, image.GetPixel(x, 1));
            Assert.Equal(SKColors.Red, image.GetPixel(x, 2));
            Assert.Equal(SKColors.Black, image.GetPixel(x, 3));
        }
    }

    [Fact]
    public void ResizesToTheResolutionAndKeepsSquarePowerOfTwoSizeByDefault()
    {
        Png("src/a.png", 16, 16, (_, _) => new SKColor(30, 60, 90));
        var report = Convert("src", "out", o => o with { Resolution = 8 });
        Assert.Equal(1, report.Resized);
        using (var image = Written("out"))
        {
            Assert.Equal((8, 8), (image.Width, image.Height));
            Assert.Equal(new SKColor(30, 60, 90), image.GetPixel(3, 5));
        }
        Assert.Equal(16, Convert("src", "kept").Resolution);

        Png("odd/a.png", 6, 6, (_, _) => SKColors.Red);
        var error = Assert.Throws<InvalidDataException>(() => Convert("odd", "never"));
        Assert.Contains("`Resolution`", error.Message);
        Assert.Equal("Resolution", Assert.Throws<InvalidValueException>(() => Convert("odd", "never", o => o with { Resolution = 24 })).Name);
        Assert.False(Directory.Exists(Path.Combine(Folder, "never")));
    }

    [Fact]
    public void AlphaIsCompositedOnWhite()
    {
        Png("src/a.png", 4, 4, (x, _) => x < 2 ? new SKColor(255, 0, 0, 128) : SKColors.Transparent);
        Convert("src", "out");
        using var image = Written("out");
        Assert.Equal(SKAlphaType.Opaque, image.AlphaType);
        var half = image.GetPixel(0, 0);
        Assert.Equal(255, half.Red);
        Assert.InRange(half.Green, 125, 129);
        Assert.Equal(half.Green, half.Blue);
        Assert.Equal(SKColors.White, image.GetPixel(3, 3));
    }

    [Fact]
    public void GrayscaleSourcesStayGrayAndColourCanBeMadeGray()
    {
        GrayPng("gray/a.png", 4, 77);
        var gray = Convert("gray", "gray-out");
        Assert.Equal(1, gray.Channels);
        using (var image = Written("gray-out"))
        {
            Assert.Equal(SKColorType.Gray8, image.ColorType);
            Assert.Equal(new SKColor(77, 77, 77), image.GetPixel(1, 2));
        }
        using (var dataset = ImageDataset.Open(Path.Combine(Folder, "gray-out")))
            Assert.Equal(1, dataset.Channels);

        Png("colour/a.png", 4, 4, (_, _) => SKColors.Red);
        Assert.Equal(3, Convert("colour", "colour-out").Channels);
        Assert.Equal(3, Convert("gray", "gray-rgb", o => o with { Channels = ChannelMode.Rgb }).Channels);
        var made = Convert("colour", "made-gray", o => o with { Channels = ChannelMode.Grayscale });
        Assert.Equal(1, made.Channels);
        using var red = Written("made-gray");
        Assert.Equal(76, red.GetPixel(0, 0).Red); // 0.299 * 255
    }

    [Fact]
    public void GrayscaleAndColourImagesOfOneSizeMixIntoRgb()
    {
        // Their headers differ only in the colour type, which was taken for a difference in size.
        GrayPng("mixed/a.png", 4, 77);
        Png("mixed/b.png", 4, 4, (_, _) => SKColors.Red);
        var report = Convert("mixed", "mixed-out");
        Assert.Equal((2, 4, 3), (report.Written, report.Resolution, report.Channels));
    }

    [Fact]
    public void LabelsFromSubfoldersGoToDatasetJsonInAZip()
    {
        GrayPng("src/cat/a.png", 4, 10);
        GrayPng("src/dog/b.png", 4, 20);
        GrayPng("src/dog/c.png", 4, 30);
        GrayPng("src/loose.png", 4, 40);
        var error = Assert.Throws<InvalidDataException>(() => Convert("src", "out.zip", o => o with { Labels = LabelSource.Subfolders }));
        Assert.Contains("loose.png", error.Message);
        Assert.False(File.Exists(Path.Combine(Folder, "out.zip")));

        var report = Convert("src", "out.zip", o => o with { Labels = LabelSource.Subfolders, SkipBad = true });
        Assert.Equal((3, 2), (report.Written, report.LabelDim));
        Assert.Equal(["cat", "dog"], report.Classes);
        Assert.Equal("loose.png", Assert.Single(report.Skipped).File);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "out.zip"));
        Assert.Equal(3, dataset.Count);
        Assert.Equal(new float[] { 1, 0, 0, 1, 0, 1 }, dataset.Labels([0, 1, 2])!.data<float>().ToArray());
        Assert.Equal(30, dataset.Images([2])[0, 0, 0, 0].item<byte>());
    }

    [Fact]
    public void LabelsFromACsvFile()
    {
        GrayPng("src/a.png", 4, 10);
        GrayPng("src/b.png", 4, 20);
        var csv = Write("labels.csv", "file,label\na.png,3\nb.png,1\n"u8.ToArray());
        var report = Convert("src", "out", o => o with { Labels = LabelSource.File, LabelsFile = csv });
        Assert.Equal(4, report.LabelDim);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "out"));
        Assert.Equal(new float[] { 0, 0, 0, 1, 0, 1, 0, 0 }, dataset.Labels([0, 1])!.data<float>().ToArray());
    }

    [Fact]
    public void UnreadableSourceIsNamedOrSkippedAndMaxImagesLimits()
    {
        GrayPng("src/a.png", 4, 10);
        Write("src/b.jpg", "garbage"u8.ToArray());
        GrayPng("src/c.png", 4, 30);
        GrayPng("src/d.png", 4, 40);
        var error = Assert.Throws<InvalidDataException>(() => Convert("src", "out"));
        Assert.Contains("b.jpg", error.Message);
        Assert.False(Directory.Exists(Path.Combine(Folder, "out")));

        var report = Convert("src", "out", o => o with { SkipBad = true, MaxImages = 2 });
        Assert.Equal(2, report.Written);
        Assert.Equal("b.jpg", Assert.Single(report.Skipped).File);
        using var second = Written("out", 1);
        Assert.Equal(30, second.GetPixel(0, 0).Red);
    }

    [Fact]
    public void RefusesToOverwriteUnlessForced()
    {
        GrayPng("src/a.png", 4, 10);
        Write("out/keep.txt", "precious"u8.ToArray());
        var error = Assert.Throws<InvalidValueException>(() => Convert("src", "out"));
        Assert.Equal("Destination", error.Name);
        Assert.Contains("`Force`", error.Message);
        Assert.True(File.Exists(Path.Combine(Folder, "out", "keep.txt")));

        Convert("src", "out", o => o with { Force = true });
        Assert.False(File.Exists(Path.Combine(Folder, "out", "keep.txt")));
        Assert.Single(Directory.GetDirectories(Folder, "out*"));
    }
}
