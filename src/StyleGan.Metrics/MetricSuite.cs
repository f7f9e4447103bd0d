using System.Diagnostics;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Metrics;

/// <summary>
/// Computes a list of metrics for a generator against a dataset, as NVIDIA's calc_metrics.py does, sharing what can
/// be shared: the metrics of one feature network score one stream of generated images (the first N of it for a
/// metric of N images) against the dataset's first images, whose features come from <see cref="StatisticsCache"/>
/// when an earlier run extracted them. Path length draws its own pairs. Ranks that score together (mpirun) each
/// generate their rows of every batch of the same stream, and rank 0 scores the gathered features.
/// </summary>
public static class MetricSuite
{
    /// <summary>Refuses a number of generated images that cannot be scored, so that a front end can check it before reading anything.</summary>
    /// <param name="count">Generated images (or path-length pairs).</param>
    public static void CheckImageCount(int count)
    {
        // The Inception-style score cuts the images into its splits, each of at least one image (and a covariance
        // needs two); beyond ten million, the statistics gain nothing the hours would buy.
        const int fewest = InceptionScore.DefaultSplits;
        if (count < fewest || count > 10_000_000)
            throw new InvalidValueException("ImageCount", $"the number of generated images {count} is outside [{fewest}, 10000000] (the metrics' own are 10,000 or 50,000).");
    }

    /// <param name="generator">The generator to score (G_ema of a checkpoint).</param>
    /// <param name="data">The real images; a conditional generator is given the labels of random ones, as the official metrics do.</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="networks">Their feature networks (made for these metrics).</param>
    /// <param name="seed">Seeds latents, labels, path-length steps and noise, so a score is reproducible.</param>
    /// <param name="truncation">The truncation of the generated images (null: none, the distribution the metrics are defined on).</param>
    /// <param name="device">Where the generator runs (null: the CPU).</param>
    /// <param name="progress">Told how far each stage is.</param>
    /// <param name="share">The ranks that score together: each generates its rows of the images of the feature metrics; the real
    /// images, path length and equivariance are rank 0's alone. Null: this process alone.</param>
    /// <returns>One report per metric, in the order given; none on ranks other than 0.</returns>
    public static IReadOnlyList<MetricReport> Evaluate(Generator generator, ImageDataset data, IReadOnlyList<MetricDefinition> metrics, FeatureNetworks networks,
        ulong seed = 0, Truncation? truncation = null, Device? device = null, Action<MetricProgress>? progress = null, BatchShare? share = null)
    {
        foreach (var metric in metrics) CheckImageCount(metric.GeneratedCount);
        if (metrics.Any(m => m.Kind == MetricKind.Equivariance)) Equivariance.FourierInputOf(generator);
        device ??= CPU;
        share ??= BatchShare.Whole;
        var reports = new Dictionary<MetricDefinition, MetricReport>();
        foreach (var group in metrics.Where(m => m.ScoresFeatures).GroupBy(m => m.Space))
            foreach (var report in EvaluateGroup(generator, data, [.. group], networks.Features(group.Key), seed, truncation, device, progress, share))
                reports[report.Metric] = report;
        if (share.Ranks.Rank != 0) return [];
        foreach (var metric in metrics.Where(m => m.Kind == MetricKind.PathLength))
        {
            var watch = Stopwatch.StartNew();
            using var latents = new MetricLatents(generator.Config, data, seed);
            using var distances = PerceptualPathLength.Distances(generator, networks.Lpips, metric.PathLength!, metric.GeneratedCount, latents, device,
                done => progress?.Invoke(new MetricProgress($"{metric.Name} pairs", done, metric.GeneratedCount)));
            reports[metric] = new MetricReport(metric, new Dictionary<string, double> { [metric.Name] = PerceptualPathLength.Aggregate(distances) },
                LpipsLabel, metric.GeneratedCount, 0, watch.Elapsed.TotalSeconds);
        }
        foreach (var metric in metrics.Where(m => m.Kind == MetricKind.Equivariance))
        {
            var watch = Stopwatch.StartNew();
            using var latents = new MetricLatents(generator.Config, data, seed);
            double psnr = Equivariance.Psnr(generator, metric.Transform!.Value, metric.GeneratedCount, latents, device,
                done => progress?.Invoke(new MetricProgress($"{metric.Name} images", done, metric.GeneratedCount)));
            reports[metric] = new MetricReport(metric, new Dictionary<string, double> { [metric.Name] = psnr }, PixelsLabel, metric.GeneratedCount, 0,
                watch.Elapsed.TotalSeconds);
        }
        return metrics.Select(m => reports[m] with { Ranks = share.Ranks.Size }).ToList();
    }

    /// <summary>What a report's <see cref="MetricReport.Features"/> says: the network and the leading digits of its weights' SHA-256.</summary>
    /// <param name="network">The feature network.</param>
    public static string FeaturesLabel(IFeatureNetwork network) => FeaturesLabel(network.WeightsDigest, network.Name);

    /// <summary>The label of the network a metric of <paramref name="metric"/>'s space uses, among <paramref name="networks"/>.</summary>
    /// <param name="metric">A metric of the list the networks were made for.</param>
    /// <param name="networks">The networks.</param>
    public static string FeaturesLabel(MetricDefinition metric, FeatureNetworks networks) =>
        metric.Kind switch
        {
            MetricKind.PathLength => LpipsLabel,
            MetricKind.Equivariance => PixelsLabel,
            _ => FeaturesLabel(networks.Features(metric.Space)),
        };

    const string LpipsLabel = "LPIPS v0.1 (VGG16)";
    const string PixelsLabel = "pixels (no network)";

    static string FeaturesLabel(string? digest, string name) => name + (digest is string d ? $", weights sha256 {d[..16]}" : ", weights in memory");

    static IEnumerable<MetricReport> EvaluateGroup(Generator generator, ImageDataset data, IReadOnlyList<MetricDefinition> group, IFeatureNetwork network,
        ulong seed, Truncation? truncation, Device device, Action<MetricProgress>? progress, BatchShare share)
    {
        bool scores = share.Ranks.Rank == 0;
        var watch = Stopwatch.StartNew();
        int RealCount(MetricDefinition m) => m.UsesReal ? Math.Min(data.Count, m.MaxReal ?? int.MaxValue) : 0;
        var realUsers = group.Where(m => m.UsesReal).ToList();
        int realCount = realUsers.Count == 0 ? 0 : realUsers.Max(RealCount);
        // Statistics suffice where every metric is an FID of the same real images; otherwise every feature is kept.
        bool keepRealFeatures = realUsers.Any(m => m.NeedsAllFeatures) || realUsers.Select(RealCount).Distinct().Count() > 1;
        string features = FeaturesLabel(network);

        Tensor ReadReal(int start, int count) => data.Images(Enumerable.Range(start, count).ToList());
        void RealProgress(int done) => progress?.Invoke(new MetricProgress($"real images, {network.Name}", done, realCount));
        Tensor? realFeatures = null, generated = null, probabilities = null;
        FeatureStatistics? realStatistics = null;
        try
        {
            if (realCount > 0 && keepRealFeatures && scores)
                realFeatures = StatisticsCache.GetOrExtractFeatures(network, data, realCount,
                    () => MetricRunner.RealFeatures(network, realCount, ReadReal, progress: RealProgress)).Features;
            else if (realCount > 0 && scores)
                realStatistics = StatisticsCache.GetOrExtract(network, data, realCount,
                    () => MetricRunner.RealStatistics(network, realCount, ReadReal, progress: RealProgress)).Statistics;

            int generatedCount = group.Max(m => m.GeneratedCount);
            var sampler = new Sampler(generator, device, MetricRunner.BatchSize);
            using var latents = new MetricLatents(generator.Config, data, seed);
            // Every rank draws each batch's latents and labels, and generates its rows.
            (generated, probabilities) = MetricRunner.GeneratedFeatures(network, n => sampler.Generate(share.Take(latents.Z(n)), latents.Labels(n) is { } labels ? share.Take(labels) : null, truncation),
                generatedCount, progress: done => progress?.Invoke(new MetricProgress($"generated images, {network.Name}", done, generatedCount)), share: share);
            var results = new List<MetricReport>();
            if (!scores) return results;
            foreach (var metric in group)
            {
                using var scope = NewDisposeScope();
                var fake = generated.narrow(0, 0, metric.GeneratedCount);
                var real = realFeatures?.narrow(0, 0, RealCount(metric));
                var values = new Dictionary<string, double>();
                switch (metric.Kind)
                {
                    case MetricKind.Fid:
                        using (var fakeStatistics = FeatureStatistics.Of(fake))
                        using (var computed = real is null ? null : FeatureStatistics.Of(real))
                            values[metric.Name] = FrechetDistance.Compute(computed ?? realStatistics!, fakeStatistics);
                        break;
                    case MetricKind.Kid:
                        values[metric.Name] = KernelInceptionDistance.Compute(real!, fake);
                        break;
                    case MetricKind.PrecisionRecall:
                        (values[metric.ResultNames[0]], values[metric.ResultNames[1]]) = PrecisionRecall.Compute(real!, fake, metric.Neighbourhood);
                        break;
                    case MetricKind.InceptionScore:
                        var p = probabilities ?? throw new InvalidOperationException($"{network.Name} has no classes; {metric.Name} needs a classifier.");
                        (values[metric.ResultNames[0]], values[metric.ResultNames[1]]) = InceptionScore.Compute(p.narrow(0, 0, metric.GeneratedCount));
                        break;
                    case MetricKind.Cmmd:
                        values[metric.Name] = MaximumMeanDiscrepancy.Compute(real!, fake);
                        break;
                    case MetricKind.ClassCoverage:
                        var classes = probabilities ?? throw new InvalidOperationException($"{network.Name} has no classes; {metric.Name} needs a classifier.");
                        (int covered, values[metric.ResultNames[1]], values[metric.ResultNames[2]]) = ClassCoverage.Summarize(ClassCoverage.Shares(classes.narrow(0, 0, metric.GeneratedCount)));
                        values[metric.Name] = covered;
                        break;
                    default:
                        throw new InvalidOperationException($"{metric.Kind} is not a feature metric.");
                }
                results.Add(new MetricReport(metric, values, features, metric.GeneratedCount, RealCount(metric), 0));
            }
            double seconds = watch.Elapsed.TotalSeconds;
            return results.Select(r => r with { Seconds = seconds }).ToList();
        }
        finally
        {
            generated?.Dispose();
            probabilities?.Dispose();
            realFeatures?.Dispose();
            realStatistics?.Dispose();
        }
    }
}
