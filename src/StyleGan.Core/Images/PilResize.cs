using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>
/// Pillow's bicubic resize of 8-bit images (<c>Image.resize(size, Image.BICUBIC)</c>, libImaging/Resample.c), exactly:
/// its kernel (a = -0.5) widened by the scale when reducing (antialiasing), its coefficients normalized and rounded to
/// 22-bit fixed point, a horizontal pass rounded and clipped to 8 bits, then a vertical pass. Tools that read image
/// files through Pillow (CMMD's folder reader) see these pixels; torch's bicubic (a = -0.75, no rounding between the
/// passes) differs from them by up to 18 levels.
/// </summary>
public static class PilResize
{
    const int PrecisionBits = 32 - 8 - 2;
    const double Support = 2.0;

    /// <summary>The central square of each image (Pillow's crop box of CMMD's io_util), then the resize to size x size.</summary>
    /// <param name="images">uint8 images [N, C, H, W].</param>
    /// <param name="size">The side of the result.</param>
    public static Tensor CenterCropSquare(Tensor images, int size)
    {
        long h = images.shape[2], w = images.shape[3], side = Math.Min(h, w);
        var square = images.narrow(2, (h - side) / 2, side).narrow(3, (w - side) / 2, side);
        return Bicubic(square, size, size);
    }

    /// <summary>Each image resized to height x width as Pillow resizes it.</summary>
    /// <param name="images">uint8 images [N, C, H, W].</param>
    /// <param name="height">Rows of the result.</param>
    /// <param name="width">Columns of the result.</param>
    public static Tensor Bicubic(Tensor images, int height, int width)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
            throw new ArgumentException($"Pillow's 8-bit resize takes uint8 images [N, C, H, W]; got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        if (height < 1 || width < 1) throw new ArgumentException($"Cannot resize to {height}x{width}.");
        using var scope = NewDisposeScope();
        var x = images.to(float64);
        // Pillow skips a pass whose size does not change; its coefficients would be the identity anyway.
        if (width != images.shape[3]) x = Pass(x, Coefficients((int)images.shape[3], width), dimension: 3);
        if (height != images.shape[2]) x = Pass(x, Coefficients((int)images.shape[2], height), dimension: 2);
        return x.to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    // One pass along a dimension: fixed-point sums (exact in float64: every product and partial sum is an integer
    // below 2^53), then Pillow's clip8: an arithmetic shift and a clamp to [0, 255].
    static Tensor Pass(Tensor x, Tensor coefficients, int dimension)
    {
        var moved = x.movedim([dimension], [-1]);
        var sums = moved.matmul(coefficients.T) + (1L << (PrecisionBits - 1));
        var clipped = (sums / (1L << PrecisionBits)).floor().clamp(0, 255);
        return clipped.movedim([-1], [dimension]);
    }

    // precompute_coeffs and normalize_coeffs_8bpc: [outSize, inSize] fixed-point weights.
    static Tensor Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0), support = Support * filterScale;
        var weights = new double[outSize * inSize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale, ss = 1.0 / filterScale, sum = 0;
            // C's (int) truncates towards zero, as the casts below do.
            int xmin = Math.Max((int)(center - support + 0.5), 0), xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var k = new double[xmax];
            for (int i = 0; i < xmax; i++) sum += k[i] = Filter((i + xmin - center + 0.5) * ss);
            for (int i = 0; i < xmax; i++)
            {
                double normalized = sum != 0.0 ? k[i] / sum : k[i];
                weights[xx * inSize + xmin + i] = normalized < 0 ? (int)(-0.5 + normalized * (1 << PrecisionBits)) : (int)(0.5 + normalized * (1 << PrecisionBits));
            }
        }
        return tensor(weights, [outSize, inSize]);
    }

    // bicubic_filter with a = -0.5, in Pillow's order of operations.
    static double Filter(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
