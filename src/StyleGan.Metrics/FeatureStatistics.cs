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

    /// <summary>The statistics of a set of features [N, D], added a slice at a time so that the float64 copy stays small.</summary>
    /// <param name="features">The features.</param>
    public static FeatureStatistics Of(Tensor features)
    {
        var statistics = new FeatureStatistics((int)features.shape[1]);
        const long slice = 4096;
        for (long start = 0; start < features.shape[0]; start += slice)
            statistics.Add(features.narrow(0, start, Math.Min(slice, features.shape[0] - start)));
        return statistics;
    }

    /// <summary>The mean [D] (a new tensor).</summary>
    public Tensor Mean() => Count > 0 ? mean.clone() : throw new InvalidOperationException("No features were added.");

    /// <summary>The unbiased covariance [D, D] (a new tensor), as numpy's cov that the original FID uses.</summary>
    public Tensor Covariance() => Count > 1 ? scatter / (Count - 1) : throw new InvalidOperationException($"A covariance needs 2 samples, {Count} were added.");

    /// <summary>Writes the accumulators (count, mean, scatter) as safetensors, so that adding can go on after loading.</summary>
    /// <param name="path">The file to write (atomically).</param>
    public void Save(string path) => Formats.Safetensors.Save(path,
        [new("mean", mean), new("scatter", scatter)], new Dictionary<string, string> { ["kind"] = Kind, ["count"] = Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>The "kind" metadata of a statistics file.</summary>
    public const string Kind = "stylegan-feature-statistics";

    /// <summary>Reads statistics written by <see cref="Save"/>; refuses another kind of file or a damaged one, naming it.</summary>
    /// <param name="path">The file.</param>
    public static FeatureStatistics Load(string path)
    {
        using var file = Formats.Safetensors.Load(path);
        if (file.Metadata.GetValueOrDefault("kind") != Kind || !file.Tensors.TryGetValue("mean", out var m) || !file.Tensors.TryGetValue("scatter", out var c)
            || !long.TryParse(file.Metadata.GetValueOrDefault("count"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long count)
            || m.dim() != 1 || !c.shape.SequenceEqual(new[] { m.shape[0], m.shape[0] }))
            throw new InvalidDataException($"{path} is not a feature statistics file (kind {Kind} with count, mean [D] and scatter [D, D]).");
        var statistics = new FeatureStatistics((int)m.shape[0]) { Count = count };
        statistics.mean.copy_(m);
        statistics.scatter.copy_(c);
        return statistics;
    }

    public void Dispose()
    {
        mean.Dispose();
        scatter.Dispose();
    }
}
