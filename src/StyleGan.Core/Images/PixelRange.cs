using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>
/// Conversions between uint8 images, the generator's range [-1, 1] and the range [0, 1] of pytorch-fid's Inception, as
/// the official code does them.
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
}
