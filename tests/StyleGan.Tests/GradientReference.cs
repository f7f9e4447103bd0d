using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>Which gradients of a reference set a computation in a dtype is compared with, and how closely.</summary>
public static class GradientReference
{
    /// <summary>Float32 gradients against the float32 reference: rounding is ~1e-4, wrong kernels are far more.</summary>
    public const double Float32Tolerance = 1e-3;

    /// <summary>Float64 against the official float64 gradients: only the last bits differ.</summary>
    public const double Float64Tolerance = 1e-9;

    /// <summary>Float64 against float32 gradients, for sets without <c>grad64.*</c>.</summary>
    public const double Float64AgainstFloat32Tolerance = 1e-4;

    /// <returns>The key prefix of the gradients to compare with, and the tolerance (relative to max(1, max|ref|)).</returns>
    public static (string Prefix, double Tolerance) For(SafetensorsFile reference, ScalarType dtype)
    {
        if (dtype != ScalarType.Float64) return ("grad.", Float32Tolerance);
        bool hasFloat64 = reference.Tensors.Keys.Any(k => k.StartsWith("grad64.", StringComparison.Ordinal));
        return hasFloat64 ? ("grad64.", Float64Tolerance) : ("grad.", Float64AgainstFloat32Tolerance);
    }
}
