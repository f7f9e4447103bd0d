using StyleGan.Configs;
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

    /// <summary>A network's level of detail: its lod buffer's value (float32, or float64 in a network converted to float64), or 0 for a network that does not grow.</summary>
    public static double Get(Tensor? buffer) => buffer is null ? 0 : buffer.dtype == ScalarType.Float64 ? buffer.item<double>() : buffer.item<float>();

    /// <summary>A growing network's lod buffer set to a value in [0, maxLod] (the 4x4 output).</summary>
    /// <param name="buffer">The network's lod buffer, or null for a network that does not grow.</param>
    /// <param name="value">The new level of detail.</param>
    /// <param name="maxLod">The network's lowest level of detail.</param>
    public static void Set(Tensor? buffer, double value, int maxLod)
    {
        if (buffer is null) throw new InvalidOperationException("Only a growing network has a level of detail.");
        if (!(value >= 0 && value <= maxLod)) throw new ArgumentOutOfRangeException(nameof(value), value, $"The lod must be in [0, {maxLod}].");
        using var _ = no_grad();
        buffer.fill_(value);
    }
}
