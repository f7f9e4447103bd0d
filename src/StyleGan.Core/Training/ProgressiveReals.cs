using StyleGan.Images;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>
/// The real images a growing network sees at a level of detail, as the original's dataset levels and process_reals
/// make them: the resolution of the lod (averages of 2^k x 2^k squares, rounded to uint8 as its dataset tool stores
/// each level), faded towards its own half resolution over a fractional lod, and up-sampled to the full resolution.
/// </summary>
public static class ProgressiveReals
{
    /// <param name="images">uint8 images [N, C, H, W] at the full resolution.</param>
    /// <param name="lod">The level of detail.</param>
    /// <returns>float32 images in [-1, 1] at the full resolution.</returns>
    public static Tensor At(Tensor images, double lod)
    {
        int level = (int)Math.Floor(lod);
        var x = images;
        if (level > 0) x = BoxResample.DownscaleAverage(images.to(float32), 1 << level).round();
        x = PixelRange.FromUint8(x);
        double t = lod - level;
        if (t > 0) x = Networks.LevelOfDetail.Blend(x, BoxResample.UpscaleNearest(BoxResample.DownscaleAverage(x)), t);
        return BoxResample.UpscaleNearest(x, 1 << level);
    }
}
