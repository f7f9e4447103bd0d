using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Fréchet distance between two Gaussians N(mu1, S1) and N(mu2, S2): |mu1 - mu2|^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)),
/// the formula of FID.
/// </summary>
/// <remarks>
/// S1 S2 is not symmetric, and scipy's general sqrtm on it (the official route) returns complex residue and fails on
/// singular covariances, which the official code patches with an epsilon. But S1 S2 is similar to
/// sqrt(S1) S2 sqrt(S1), which is symmetric positive semi-definite, so Tr sqrtm(S1 S2) is the sum of the square
/// roots of its eigenvalues: two symmetric eigendecompositions, whose eigenvalues are real by construction and are
/// clamped at 0 against rounding. They are torch.linalg.eigh in float64 rather than MathNet: no extra dependency,
/// the statistics already live in tensors (on any device), and it is the same LAPACK routine numpy calls.
/// </remarks>
public static class FrechetDistance
{
    /// <param name="mu1">Mean [D] of the first distribution.</param>
    /// <param name="sigma1">Covariance [D, D] of the first distribution.</param>
    /// <param name="mu2">Mean [D] of the second distribution.</param>
    /// <param name="sigma2">Covariance [D, D] of the second distribution.</param>
    public static double Compute(Tensor mu1, Tensor sigma1, Tensor mu2, Tensor sigma2)
    {
        long d = mu1.dim() == 1 ? mu1.shape[0] : -1;
        if (d < 0 || !mu2.shape.SequenceEqual(mu1.shape) || !sigma1.shape.SequenceEqual(new[] { d, d }) || !sigma2.shape.SequenceEqual(new[] { d, d }))
            throw new ArgumentException($"Expected means [D] and covariances [D, D] of one D, got [{string.Join(", ", mu1.shape)}], " +
                $"[{string.Join(", ", sigma1.shape)}], [{string.Join(", ", mu2.shape)}], [{string.Join(", ", sigma2.shape)}].");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s1 = Symmetrize(sigma1.to(float64));
        var s2 = Symmetrize(sigma2.to(float64).to(s1.device));
        var diff = mu1.to(float64).to(s1.device) - mu2.to(float64).to(s1.device);

        var sqrt1 = SymmetricSqrt(s1);
        var eigenvalues = linalg.eigvalsh(Symmetrize(sqrt1.matmul(s2).matmul(sqrt1))).clamp_min(0);
        double distance = diff.dot(diff).item<double>() + s1.trace().item<double>() + s2.trace().item<double>()
            - 2 * eigenvalues.sqrt().sum().item<double>();
        return Math.Max(0, distance); // a distance; identical inputs can round to -1e-12
    }

    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        using var mu1 = a.Mean();
        using var sigma1 = a.Covariance();
        using var mu2 = b.Mean();
        using var sigma2 = b.Covariance();
        return Compute(mu1, sigma1, mu2, sigma2);
    }

    static Tensor SymmetricSqrt(Tensor s)
    {
        var (values, vectors) = linalg.eigh(s);
        return (vectors * values.clamp_min(0).sqrt()).matmul(vectors.T);
    }

    // Rounding leaves covariances a hair asymmetric; eigh reads one triangle only, so average the two.
    static Tensor Symmetrize(Tensor s) => (s + s.T) / 2;
}
