using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>A differentiable distance between images [N, C, H, W] in [-1, 1], summed over the batch, that a projection minimizes.</summary>
/// <param name="Name">What it is, for the user ("LPIPS (VGG16)", "pixel + multi-scale").</param>
/// <param name="Compute">(target, synthesized) to a scalar.</param>
public sealed record ImageDistance(string Name, Func<Tensor, Tensor, Tensor> Compute)
{
    /// <summary>
    /// Without the VGG16 weights: the mean squared pixel error at full size and at each halving down to 8x8, summed.
    /// The coarse levels give the gradient a view of shapes that per-pixel error alone gets only slowly.
    /// </summary>
    public static readonly ImageDistance PixelMultiScale = new("pixel + multi-scale MSE (no VGG16 file: see --vgg)", (target, synthesized) =>
    {
        Tensor? total = null;
        var (a, b) = (target, synthesized);
        while (true)
        {
            var level = (a - b).square().mean([1, 2, 3]).sum();
            total = total is null ? level : total + level;
            if (a.shape[2] <= 8) return total;
            (a, b) = (nn.functional.avg_pool2d(a, 2), nn.functional.avg_pool2d(b, 2));
        }
    });
}
