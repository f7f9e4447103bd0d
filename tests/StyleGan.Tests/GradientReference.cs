using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>Which gradients of a reference set a computation in a dtype is compared with, and how closely.</summary>
public static class GradientReference
{
    /// <summary>
    /// Float64 against the official float64 gradients: float64's rounding (u = 2^-53) stays far below 1e-9 (measured:
    /// 1.4e-14 at most), while float32 rounding anywhere on the way would show far above it.
    /// </summary>
    public const double Float64Tolerance = 1e-9;

    /// <summary>
    /// Float64 against float32 gradients, for sets without <c>grad64.*</c>: what differs is the reference's own float32
    /// rounding, which our kernels do not enter; the sets' READMEs measure it at 2.9e-5 at most.
    /// </summary>
    public const double Float64AgainstFloat32Tolerance = 1e-4;

    /// <param name="float32Bound">The tolerance of float32 gradients against the float32 reference (see <see cref="Float32Rounding"/>).</param>
    /// <returns>The key prefix of the gradients to compare with, and the tolerance (relative to max(1, max|ref|)).</returns>
    public static (string Prefix, double Tolerance) For(SafetensorsFile reference, ScalarType dtype, double float32Bound)
    {
        if (dtype != ScalarType.Float64) return ("grad.", float32Bound);
        bool hasFloat64 = reference.Tensors.Keys.Any(k => k.StartsWith("grad64.", StringComparison.Ordinal));
        return hasFloat64 ? ("grad64.", Float64Tolerance) : ("grad.", Float64AgainstFloat32Tolerance);
    }
}
