using SkiaSharp;
using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>Making an image square at a resolution, as the dataset tool writes it and the projector reads its target.</summary>
public static class SquareImage
{
    /// <summary>
    /// One draw that crops or pads, resizes (SkiaSharp's high-quality filter) and composites transparent pixels over
    /// the background, into an opaque RGBA bitmap.
    /// </summary>
    /// <param name="image">The decoded image.</param>
    /// <param name="resolution">The side of the result.</param>
    /// <param name="transform">Centre crop to the shorter side, or pad to the longer.</param>
    /// <param name="background">The colour under transparent pixels and padding.</param>
    public static SKBitmap Make(SKBitmap image, int resolution, SquareTransform transform, SKColor background)
    {
        int width = image.Width, height = image.Height;
        bool crop = transform == SquareTransform.CenterCrop;
        int side = crop ? Math.Min(width, height) : Math.Max(width, height);
        float scale = resolution / (float)side;
        var from = crop ? SKRect.Create((width - side) / 2, (height - side) / 2, side, side) : SKRect.Create(width, height);
        var to = crop ? SKRect.Create(resolution, resolution) : SKRect.Create((side - width) / 2 * scale, (side - height) / 2 * scale, width * scale, height * scale);
        var square = new SKBitmap(new SKImageInfo(resolution, resolution, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(square);
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.High };
        canvas.Clear(background);
        canvas.DrawBitmap(image, from, to, paint);
        return square;
    }

    /// <summary>The luma (ITU-R 601, rounded) of an RGBA bitmap, as a Gray8 bitmap.</summary>
    /// <param name="rgba">An opaque Rgba8888 bitmap.</param>
    public static SKBitmap Grayscale(SKBitmap rgba)
    {
        var rgb = rgba.GetPixelSpan();
        var luma = new byte[rgba.Width * rgba.Height];
        for (int i = 0; i < luma.Length; i++)
            luma[i] = (byte)((299 * rgb[4 * i] + 587 * rgb[4 * i + 1] + 114 * rgb[4 * i + 2] + 500) / 1000);
        return ImageFile.FromPixels(luma, rgba.Width, rgba.Height, SKColorType.Gray8);
    }

    /// <summary>
    /// An image file as a generator's target: centre-cropped, resized to <paramref name="resolution"/>, with
    /// <paramref name="channels"/> channels, as float [1, C, H, W] in [-1, 1]. NVIDIA's projector crops and resizes the
    /// same way, with PIL's Lanczos filter.
    /// </summary>
    /// <param name="path">The image file (PNG, JPEG, WebP, ...).</param>
    /// <param name="resolution">The generator's resolution.</param>
    /// <param name="channels">1 or 3.</param>
    public static Tensor Load(string path, int resolution, int channels)
    {
        byte[] bytes;
        using (var stream = Files.InputFile.OpenRead(path, "Image"))
        {
            if (stream.Length > 1L << 30) throw new InvalidDataException($"{path} is {stream.Length:N0} bytes, more than the 1 GiB an image file may have here.");
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        return Decode(bytes, path, resolution, channels);
    }

    /// <summary>As <see cref="Load"/>, from the bytes of an image file.</summary>
    /// <param name="bytes">The encoded image (PNG, JPEG, WebP, ...).</param>
    /// <param name="name">What the bytes are, named when they are not an image.</param>
    /// <param name="resolution">The generator's resolution.</param>
    /// <param name="channels">1 or 3.</param>
    public static Tensor Decode(byte[] bytes, string name, int resolution, int channels)
    {
        using var image = ImageFile.Decode(bytes, SKColorType.Rgba8888, SKAlphaType.Premul, name);
        using var square = Make(image, resolution, SquareTransform.CenterCrop, SKColors.White);
        using var result = channels == 1 ? Grayscale(square) : square.Copy();
        var pixels = result.GetPixelSpan().ToArray();
        var hwc = tensor(pixels, new long[] { resolution, resolution, channels == 1 ? 1 : 4 }, ScalarType.Byte).narrow(2, 0, channels);
        return PixelRange.FromUint8(hwc.permute(2, 0, 1).unsqueeze(0));
    }
}
