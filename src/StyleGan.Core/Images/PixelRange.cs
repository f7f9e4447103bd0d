using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>
/// Conversions between uint8 images, the generator's range [-1, 1] and the range [0, 1] of pytorch-fid's Inception, as
/// the official code does them, and the input steps the feature networks share (gray to RGB, per-channel standardizing).
/// </summary>
public static class PixelRange
{
    /// <summary>uint8 [0, 255] to float32 [-1, 1].</summary>
    public static Tensor FromUint8(Tensor images) => images.to(float32) / 127.5 - 1;

    /// <summary>[-1, 1] to uint8 the way images are saved, so that generated and real images reach a metric equally quantized.</summary>
    public static Tensor ToUint8(Tensor images) => (images * 127.5 + 128).clamp(0, 255).to(uint8);

    /// <summary>uint8 [0, 255] to float32 [0, 1] as torchvision's ToTensor divides them, which pytorch-fid applies to image files.</summary>
    /// <param name="images">uint8 images of any shape.</param>
    public static Tensor UnitFromUint8(Tensor images) => images.to(float32) / 255;

    /// <summary>
    /// [-1, 1] to float32 [0, 1] through <see cref="ToUint8"/>, so that generated images reach pytorch-fid's Inception as
    /// their saved PNG files would.
    /// </summary>
    /// <param name="images">Images in [-1, 1] of any shape; values outside are clamped, as when saved.</param>
    public static Tensor UnitFromSigned(Tensor images) => UnitFromUint8(ToUint8(images));

    /// <summary>Gray images [N, 1, H, W] with their one channel repeated into three (as PIL's <c>convert('RGB')</c>); RGB images as they are.</summary>
    /// <param name="images">Images [N, 1 or 3, H, W].</param>
    public static Tensor Rgb(Tensor images) => images.shape[1] == 1 ? images.repeat(1, 3, 1, 1) : images;

    /// <summary>
    /// (x - mean) / deviation per RGB channel, the input step of ImageNet-trained networks; the constants are made
    /// from float32 values, as torchvision's transforms and lpips hold them, in the images' type.
    /// </summary>
    /// <param name="images">RGB images [N, 3, H, W].</param>
    /// <param name="mean">Per-channel means.</param>
    /// <param name="deviation">Per-channel deviations.</param>
    public static Tensor Standardize(Tensor images, float[] mean, float[] deviation)
    {
        var m = tensor(mean, [1, mean.Length, 1, 1]).to(images.dtype, images.device);
        var d = tensor(deviation, [1, deviation.Length, 1, 1]).to(images.dtype, images.device);
        return (images - m) / d;
    }
}
