using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>Saves generator output (float [N, C, H, W] in [-1, 1]) as one PNG grid or as one PNG per image.</summary>
public static class ImageGrid
{
    /// <summary>One PNG with the images in rows of <paramref name="columns"/>, unused cells black.</summary>
    public static void Save(
        string path,      // the PNG to write
        Tensor images,    // float [N, C, H, W] in [-1, 1], C = 1 or 3
        int columns = 0)  // images per row; 0: near-square (ceil(sqrt(N)))
    {
        CheckShape(images);
        using var scope = NewDisposeScope();
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        long cols = columns > 0 ? Math.Min(columns, n) : (long)Math.Ceiling(Math.Sqrt(n));
        long rows = (n + cols - 1) / cols;
        var pixels = PixelRange.ToUint8(images.detach().cpu());
        var padded = cat([pixels, zeros(rows * cols - n, c, h, w, dtype: ScalarType.Byte)]);
        // [rows, cols, C, H, W] -> [C, rows, H, cols, W] -> one image [C, rows * H, cols * W].
        var grid = padded.reshape(rows, cols, c, h, w).permute(2, 0, 3, 1, 4).reshape(c, rows * h, cols * w);
        ImageFile.SavePng(path, grid);
    }

    /// <summary>One PNG per image, named prefix + index (zero-padded to six digits) + ".png" in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> SaveEach(
        string folder,         // created when missing
        Tensor images,         // float [N, C, H, W] in [-1, 1], C = 1 or 3
        string prefix = "img", // file name prefix
        int firstIndex = 0)    // index of the first image, so that batches continue one numbering
    {
        CheckShape(images);
        using var scope = NewDisposeScope();
        var pixels = PixelRange.ToUint8(images.detach().cpu());
        var paths = new List<string>();
        for (int i = 0; i < pixels.shape[0]; i++)
        {
            var path = Path.Combine(folder, $"{prefix}{firstIndex + i:D6}.png");
            ImageFile.SavePng(path, pixels[i]);
            paths.Add(path);
        }
        return paths;
    }

    static void CheckShape(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[0] == 0)
            throw new ArgumentException($"Expected images [N, C, H, W] with N >= 1 and 1 or 3 channels, got [{string.Join(", ", images.shape)}].");
    }
}
