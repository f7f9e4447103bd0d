using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Running mean and covariance of feature vectors, accumulated batch by batch in float64 so that memory stays flat
/// however many images are measured.
/// </summary>
public sealed class FeatureStatistics : IDisposable
{
    readonly Tensor mean;
    readonly Tensor scatter; // sum of outer products of deviations from the running mean

    public int Dimension { get; }
    public long Count { get; private set; }

    /// <param name="dimension">Feature size D.</param>
    /// <param name="device">Where the accumulators live (null: CPU).</param>
    public FeatureStatistics(int dimension, Device? device = null)
    {
        Dimension = dimension;
        // Owned by this object, not by whatever dispose scope happens to be open.
        mean = zeros(new long[] { dimension }, float64, device).DetachFromDisposeScope();
        scatter = zeros(new long[] { dimension, dimension }, float64, device).DetachFromDisposeScope();
    }

    /// <param name="features">A batch [N, D].</param>
    public void Add(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Dimension)
            throw new ArgumentException($"Expected features [N, {Dimension}], got [{string.Join(", ", features.shape)}].", nameof(features));
        long batchCount = features.shape[0];
        if (batchCount == 0) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Chan et al.'s pairwise merge: no sum of squares that cancels catastrophically when the mean is large.
        var x = features.to(float64, mean.device);
        var batchMean = x.mean(new long[] { 0 });
        var centered = x - batchMean;
        long total = Count + batchCount;
        var delta = batchMean - mean;
        mean.add_(delta * (batchCount / (double)total));
        scatter.add_(centered.T.matmul(centered)).add_(outer(delta, delta) * (Count * (double)batchCount / total));
        Count = total;
    }

    /// <summary>The mean [D] (a new tensor).</summary>
    public Tensor Mean() => Count > 0 ? mean.clone() : throw new InvalidOperationException("No features were added.");

    /// <summary>The unbiased covariance [D, D] (a new tensor), as numpy's cov that the original FID uses.</summary>
    public Tensor Covariance() => Count > 1 ? scatter / (Count - 1) : throw new InvalidOperationException($"A covariance needs 2 samples, {Count} were added.");

    public void Dispose()
    {
        mean.Dispose();
        scatter.Dispose();
    }
}
