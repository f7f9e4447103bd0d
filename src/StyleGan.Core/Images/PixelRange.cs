using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>Conversions between uint8 images and the generator's range [-1, 1], as the official code does them.</summary>
public static class PixelRange
{
    /// <summary>uint8 [0, 255] to float32 [-1, 1].</summary>
    public static Tensor FromUint8(Tensor images) => images.to(float32) / 127.5 - 1;

    /// <summary>[-1, 1] to uint8 the way images are saved, so that generated and real images reach a metric equally quantized.</summary>
    public static Tensor ToUint8(Tensor images) => (images * 127.5 + 128).clamp(0, 255).to(uint8);
}
