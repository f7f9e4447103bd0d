using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>Saves generator output (float [N, C, H, W] in [-1, 1]) as one PNG grid.</summary>
public static class ImageGrid
{
    /// <summary>One PNG with the images in rows of <paramref name="columns"/>, unused cells black.</summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="images">Float [N, C, H, W] in [-1, 1], C = 1 or 3.</param>
    /// <param name="columns">Images per row; 0: near-square (ceil(sqrt(N))).</param>
    public static void Save(string path, Tensor images, int columns = 0)
    {
        using var grid = Compose(images, columns);
        ImageFile.SavePng(path, grid);
    }

    /// <summary>The PNG bytes of the grid <see cref="Save"/> writes.</summary>
    /// <param name="images">Float [N, C, H, W] in [-1, 1], C = 1 or 3.</param>
    /// <param name="columns">Images per row; 0: near-square (ceil(sqrt(N))).</param>
    public static byte[] Png(Tensor images, int columns = 0)
    {
        using var grid = Compose(images, columns);
        return ImageFile.Png(grid);
    }

    // The uint8 grid image [C, rows * H, cols * W].
    static Tensor Compose(Tensor images, int columns)
    {
        CheckShape(images);
        using var scope = NewDisposeScope();
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        long cols = columns > 0 ? Math.Min(columns, n) : (long)Math.Ceiling(Math.Sqrt(n));
        long rows = (n + cols - 1) / cols;
        var pixels = PixelRange.ToUint8(images.detach().cpu());
        var padded = cat([pixels, zeros(rows * cols - n, c, h, w, dtype: ScalarType.Byte)]);
        // [rows, cols, C, H, W] -> [C, rows, H, cols, W] -> one image [C, rows * H, cols * W].
        return padded.reshape(rows, cols, c, h, w).permute(2, 0, 3, 1, 4).reshape(c, rows * h, cols * w).MoveToOuterDisposeScope();
    }

    static void CheckShape(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[0] == 0)
            throw new ArgumentException($"Expected images [N, C, H, W] with N >= 1 and 1 or 3 channels, got [{string.Join(", ", images.shape)}].");
    }
}
