using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// CMMD's distance (Jayasumana et al. 2024, "Rethinking FID"): the squared maximum mean discrepancy of two embedding
/// sets under the Gaussian RBF kernel k(x, y) = exp(−‖x − y‖² / (2σ²)) with σ = 10, times 1000, exactly as
/// google-research's cmmd/distance.py computes it: the biased estimator, each kernel mean over all pairs, the
/// diagonal included, ‖x − y‖² expanded as −2 x·y + ‖x‖² + ‖y‖². Computed in float64 (theirs runs in JAX's default
/// float32), in blocks of rows, so that 30k × 30k sets never need a whole Gram matrix in memory.
/// </summary>
public static class MaximumMeanDiscrepancy
{
    /// <summary>The kernel's bandwidth σ (distance.py's _SIGMA).</summary>
    public const double Sigma = 10;

    /// <summary>The factor the discrepancy is reported in (distance.py's _SCALE).</summary>
    public const double Scale = 1000;

    /// <summary>Rows of a block: a block of the kernel against 30k rows takes 120 MB in float64.</summary>
    public const long DefaultBlockRows = 512;

    const double Gamma = 1 / (2 * Sigma * Sigma);

    /// <param name="x">The first set's embeddings [N, D].</param>
    /// <param name="y">The second set's embeddings [M, D].</param>
    /// <param name="blockRows">Rows of each kernel block; the result does not depend on it beyond rounding.</param>
    public static double Compute(Tensor x, Tensor y, long blockRows = DefaultBlockRows)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
            throw new ArgumentException($"Expected embeddings [N, D] and [M, D], got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (x.shape[0] < 1 || y.shape[0] < 1)
            throw new InvalidValueException("ImageCount", $"CMMD needs at least 1 image in each set; got {x.shape[0]} and {y.shape[0]}.");
        if (blockRows < 1) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, "A block has at least one row.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x64 = x.to(float64);
        var y64 = y.to(float64);
        return Scale * (MeanKernel(x64, x64, blockRows) + MeanKernel(y64, y64, blockRows) - 2 * MeanKernel(x64, y64, blockRows));
    }

    /// <summary>The mean of k(a_i, b_j) over all pairs, one block of rows of a at a time.</summary>
    static double MeanKernel(Tensor a, Tensor b, long blockRows)
    {
        using var scope = NewDisposeScope();
        var bNorms = b.square().sum(1).unsqueeze(0);
        double sum = 0;
        for (long start = 0; start < a.shape[0]; start += blockRows)
        {
            using var blockScope = NewDisposeScope();
            var rows = a.narrow(0, start, Math.Min(blockRows, a.shape[0] - start));
            var squaredDistances = -2 * rows.matmul(b.T) + rows.square().sum(1, keepdim: true) + bNorms;
            sum += (-Gamma * squaredDistances).exp_().sum().item<double>();
        }
        return sum / a.shape[0] / b.shape[0];
    }
}
