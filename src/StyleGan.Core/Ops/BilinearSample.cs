using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// Bilinear sampling of images at grid points, as grid_sample with padding 'zeros' and align_corners false, written
/// as gathers so that it can be differentiated to any order: libtorch has no derivative of grid_sample's backward,
/// which R1 through augmented reals needs (NVIDIA's grid_sample_gradfix fills the same gap in PyTorch).
/// </summary>
public static class BilinearSample
{
    /// <param name="images">[N, C, H, W].</param>
    /// <param name="grid">[N, H', W', 2]: x, y in [-1, 1], the image's outer edges at +-1.</param>
    /// <returns>[N, C, H', W']; samples outside the image read 0.</returns>
    public static Tensor Sample(Tensor images, Tensor grid) => Intermediates.Keep(() =>
    {
        // Where no gradient is asked for (D's reals outside R1, and fakes in D's step), libtorch's own kernel is faster.
        if (!images.requires_grad && !grid.requires_grad) return nn.functional.grid_sample(images, grid, align_corners: false);
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        long outHeight = grid.shape[1], outWidth = grid.shape[2];
        var x = ((grid[.., .., .., 0] + 1) * width - 1) / 2;
        var y = ((grid[.., .., .., 1] + 1) * height - 1) / 2;
        var x0 = floor(x);
        var y0 = floor(y);
        var (x1, y1) = (x0 + 1, y0 + 1);
        var flat = images.reshape(batch, channels, height * width);

        Tensor Corner(Tensor cornerX, Tensor cornerY, Tensor weight)
        {
            var inside = (cornerX >= 0) & (cornerX <= width - 1) & (cornerY >= 0) & (cornerY <= height - 1);
            var index = (cornerY.clamp(0, height - 1) * width + cornerX.clamp(0, width - 1)).to(int64).reshape(batch, 1, -1).expand(batch, channels, -1);
            return flat.gather(2, index) * (weight * inside.to(weight.dtype)).reshape(batch, 1, -1);
        }

        var sum = Corner(x0, y0, (x1 - x) * (y1 - y)) + Corner(x1, y0, (x - x0) * (y1 - y))
            + Corner(x0, y1, (x1 - x) * (y - y0)) + Corner(x1, y1, (x - x0) * (y - y0));
        return sum.reshape(batch, channels, outHeight, outWidth);
    });
}
