using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>The reference tolerance: max|ours - ref| &lt;= 1e-4 * max(1, max|ref|).</summary>
public static class Close
{
    public static void Assert(Tensor expected, Tensor actual, string what, double tolerance = 1e-4)
    {
        Xunit.Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] differs from the reference [{string.Join(", ", expected.shape)}].");
        using var e = expected.detach().to(float64);
        using var a = actual.detach().to(float64);
        double scale = Math.Max(1, e.abs().max().item<double>());
        double error = e.numel() == 0 ? 0 : (e - a).abs().max().item<double>();
        Xunit.Assert.True(error <= tolerance * scale, $"{what}: max error {error:E3} exceeds {tolerance * scale:E3}.");
    }
}
