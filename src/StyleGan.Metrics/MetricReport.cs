namespace StyleGan.Metrics;

/// <summary>What one metric gave for one generator.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Results">Its values under NVIDIA's result names (fid50k_full; pr50k3_full_precision, pr50k3_full_recall; is50k_mean, is50k_std).</param>
/// <param name="Features">The feature network and the digest of its weights, so that numbers of different weights are never set side by side unknowingly.</param>
/// <param name="GeneratedCount">Generated images (pairs for path length).</param>
/// <param name="RealCount">Real images compared with (0 for IS and path length).</param>
/// <param name="Seconds">Wall time of the evaluation; metrics of one feature network share their images, and each reports the whole group's time.</param>
public sealed record MetricReport(MetricDefinition Metric, IReadOnlyDictionary<string, double> Results, string Features, int GeneratedCount, int RealCount, double Seconds)
{
    /// <summary>The processes that generated the images together (NVIDIA's num_gpus).</summary>
    public int Ranks { get; init; } = 1;
}

/// <summary>Where an evaluation stands, for a progress bar.</summary>
/// <param name="Stage">What is being done ("real images, Inception-v3").</param>
/// <param name="Done">Images (or pairs) done.</param>
/// <param name="Total">Images (or pairs) in the stage.</param>
public sealed record MetricProgress(string Stage, int Done, int Total);
