using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// Progressive growing's level of detail, as the original code counts it: lod 0 is the full resolution, lod k the
/// resolution divided by 2^k, and a fractional lod a fade between two of them.
/// </summary>
public static class LevelOfDetail
{
    /// <summary>The lod at which a resolution is the network's output: log2(imgResolution / resolution).</summary>
    public static int Of(int imgResolution, int resolution) => ChannelRule.Log2Resolution(imgResolution) - ChannelRule.Log2Resolution(resolution);

    /// <summary>
    /// The weight of the lower-resolution path where the layers of lod <paramref name="level"/> fade in: clip(lod - level, 0, 1).
    /// 0: only those layers count; 1: they are not used at all.
    /// </summary>
    public static double FadeWeight(double lod, int level) => Math.Clamp(lod - level, 0, 1);

    /// <summary>(1 - t) higher + t lower, exactly <paramref name="higher"/> at t = 0 and exactly <paramref name="lower"/> at t = 1.</summary>
    public static Tensor Blend(Tensor higher, Tensor lower, double t) => t <= 0 ? higher : t >= 1 ? lower : higher + (lower - higher) * t;

    /// <summary>The resolution whose layers a network at this lod runs last (the fade's target): imgResolution / 2^floor(lod).</summary>
    public static int ActiveResolution(int imgResolution, double lod) => imgResolution >> (int)Math.Floor(lod);
}
