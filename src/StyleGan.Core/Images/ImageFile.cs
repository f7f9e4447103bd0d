using System.Runtime.InteropServices;
using SkiaSharp;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>Decoding image files and encoding uint8 CHW tensors (1 or 3 channels) to PNG, through SkiaSharp.</summary>
public static class ImageFile
{
    /// <summary>
    /// The most pixels an image may have to be decoded (8192 x 8192): its header is read first, so that a small file
    /// that declares a huge image (a 30000 x 30000 PNG can take under 1 MB) is refused before gigabytes are allocated.
    /// </summary>
    public const long MaxPixels = 8192L * 8192;

    /// <summary>Why an image of this size is not decoded, or null when it is within <see cref="MaxPixels"/>.</summary>
    public static string? TooLarge(int width, int height) => (long)width * height <= MaxPixels ? null
        : $"{width}x{height} pixels, more than the {MaxPixels:N0} (8192x8192) this tool decodes; scale it down first";

    /// <summary>Decodes a whole image into the given pixel layout, or throws naming the file.</summary>
    /// <param name="bytes">The encoded file (PNG, JPEG, WebP, BMP, ...).</param>
    /// <param name="colorType">Gray8 (luminance), or Rgba8888 for colour.</param>
    /// <param name="alphaType">Unpremul keeps colours as stored; Premul for drawing.</param>
    /// <param name="name">The file, for the error message.</param>
    public static SKBitmap Decode(byte[] bytes, SKColorType colorType, SKAlphaType alphaType, string name)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"{name} is not an image SkiaSharp can decode.");
        if (TooLarge(codec.Info.Width, codec.Info.Height) is string why) throw new InvalidDataException($"{name} is {why}.");
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, colorType, alphaType));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw new InvalidDataException($"{name} could not be decoded ({result}): the file is damaged or truncated; replace or remove it.");
    }

    /// <summary>PNG bytes of a bitmap (Gray8 stays a one-channel PNG).</summary>
    public static byte[] EncodePng(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.ColorType} image as PNG.");
        return data.ToArray();
    }

    /// <summary>A bitmap of a uint8 image [C, H, W] with 1 channel (Gray8) or 3 (opaque RGBA).</summary>
    public static SKBitmap ToBitmap(Tensor image)
    {
        if (image.dtype != ScalarType.Byte || image.dim() != 3 || image.shape[0] is not (1 or 3))
            throw new ArgumentException($"Expected a uint8 image [C, H, W] with 1 or 3 channels, got {image.dtype} [{string.Join(", ", image.shape)}].");
        int channels = (int)image.shape[0], height = (int)image.shape[1], width = (int)image.shape[2];
        var hwc = image.permute(1, 2, 0).contiguous().cpu().data<byte>().ToArray();
        var pixels = channels == 1 ? hwc : new byte[4 * width * height];
        for (int i = 0; channels == 3 && i < width * height; i++)
        {
            pixels[4 * i] = hwc[3 * i];
            pixels[4 * i + 1] = hwc[3 * i + 1];
            pixels[4 * i + 2] = hwc[3 * i + 2];
            pixels[4 * i + 3] = 255;
        }
        return FromPixels(pixels, width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888);
    }

    /// <summary>An opaque bitmap holding a copy of tightly packed pixels.</summary>
    /// <param name="pixels">Rows top to bottom, no padding.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="colorType">The layout of one pixel: Gray8 or Rgba8888.</param>
    public static SKBitmap FromPixels(byte[] pixels, int width, int height, SKColorType colorType)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Opaque));
        if (bitmap.RowBytes * height != pixels.Length) throw new ArgumentException($"{pixels.Length} bytes do not fill a {width}x{height} {colorType} image.");
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    /// <summary>The PNG bytes of a uint8 image [C, H, W] with 1 or 3 channels.</summary>
    public static byte[] Png(Tensor image)
    {
        using var bitmap = ToBitmap(image);
        return EncodePng(bitmap);
    }

    /// <summary>Saves a uint8 image [C, H, W] as a PNG, atomically (a crash never leaves a half-written file).</summary>
    public static void SavePng(string path, Tensor image)
    {
        var png = Png(image);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
