using System.IO.Compression;
using SkiaSharp;
using StyleGan.Images;

namespace StyleGan.Tests.Data;

/// <summary>Small synthetic images written with SkiaSharp, and a temporary folder that disappears after each test.</summary>
public abstract class TestImages : IDisposable
{
    protected readonly string Folder = Directory.CreateTempSubdirectory("stylegan-data-test").FullName;

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>Writes an RGBA PNG (unpremultiplied colours) at a path relative to the folder, and returns its full path.</summary>
    protected string Png(string relativePath, int width, int height, Func<int, int, SKColor> color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, color(x, y));
        return Write(relativePath, ImageFile.EncodePng(bitmap));
    }

    /// <summary>Writes a one-channel PNG of a single gray level.</summary>
    protected string GrayPng(string relativePath, int side, byte level) =>
        Write(relativePath, EncodeGray(side, level));

    protected static byte[] EncodeGray(int side, byte level)
    {
        using var bitmap = ImageFile.FromPixels(Enumerable.Repeat(level, side * side).ToArray(), side, side, SKColorType.Gray8);
        return ImageFile.EncodePng(bitmap);
    }

    protected string Write(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Zips a sub-folder of the test folder into name.zip beside it.</summary>
    protected string Zip(string subfolder)
    {
        var zip = Path.Combine(Folder, subfolder + ".zip");
        ZipFile.CreateFromDirectory(Path.Combine(Folder, subfolder), zip);
        return zip;
    }

    /// <summary>The pixels of a PNG, decoded with SkiaSharp.</summary>
    protected static SKBitmap Decode(string path) => SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} does not decode.");
}
