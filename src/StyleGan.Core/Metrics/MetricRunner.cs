using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>FID, the Inception score and (where asked for) KID of a set of generated images, in a feature network's space.</summary>
public sealed record MetricResult(int Count, double Fid, double InceptionScoreMean, double InceptionScoreStd, double? Kid = null);

/// <summary>Runs a feature network over real and generated images batch by batch, with memory flat in the image count.</summary>
public static class MetricRunner
{
    /// <summary>Generated images per batch.</summary>
    public const int BatchSize = 64;

    /// <summary>The features of real images [count, D] (float32, CPU), which KID needs whole; FID needs only their statistics.</summary>
    /// <param name="network">The feature network.</param>
    /// <param name="count">Number of real images.</param>
    /// <param name="readBatch">(start, count) to uint8 images [count, C, H, W], e.g. from a dataset.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static Tensor RealFeatures(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize = 256)
    {
        var parts = new List<Tensor>();
        ForEachBatch(network, count, readBatch, batchSize, features => parts.Add(features.to(float32).cpu().MoveToOuterDisposeScope()));
        var all = cat(parts, 0);
        foreach (var part in parts) part.Dispose();
        return all;
    }

    /// <summary>Feature statistics of real images.</summary>
    /// <param name="network">The feature network.</param>
    /// <param name="count">Number of real images.</param>
    /// <param name="readBatch">(start, count) to uint8 images [count, C, H, W], e.g. from a dataset.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static FeatureStatistics RealStatistics(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize = 256)
    {
        var statistics = new FeatureStatistics((int)network.FeatureCount);
        try
        {
            ForEachBatch(network, count, readBatch, batchSize, statistics.Add);
            return statistics;
        }
        catch
        {
            statistics.Dispose();
            throw;
        }
    }

    // The features of real images, a batch at a time, each batch in a dispose scope of its own (use moves out what it keeps).
    static void ForEachBatch(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize, Action<Tensor> use)
    {
        using var _ = no_grad();
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            use(network.Extract(readBatch(start, Math.Min(batchSize, count - start))).Features);
        }
    }

    /// <param name="network">The feature network.</param>
    /// <param name="sampleBatch">n to n generated images [n, C, H, W] in [-1, 1]; runs under no_grad.</param>
    /// <param name="count">Number of images to generate (the official FID uses 50,000).</param>
    /// <param name="real">Statistics of the real images (see <see cref="RealStatistics"/>).</param>
    /// <param name="batchSize">Images per call of <paramref name="sampleBatch"/>.</param>
    /// <param name="splits">Splits of the Inception-style score.</param>
    /// <param name="realFeatures">The real features themselves (see <see cref="RealFeatures"/>) to also compute KID from; null: no KID.</param>
    public static MetricResult Evaluate(IFeatureNetwork network, Func<int, Tensor> sampleBatch, int count, FeatureStatistics real,
        int batchSize = BatchSize, int splits = InceptionScore.DefaultSplits, Tensor? realFeatures = null)
    {
        using var _ = no_grad();
        using var generated = new FeatureStatistics((int)network.FeatureCount);
        var probabilities = new List<Tensor>();
        var kept = new List<Tensor>();
        try
        {
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batchSize, count - start);
                var images = sampleBatch(n);
                if (images.shape[0] != n) throw new InvalidOperationException($"Asked the sampler for {n} images, it returned {images.shape[0]}.");
                // Quantized as a saved image would be, like the real ones.
                var (features, logits) = network.Extract(PixelRange.ToUint8(images));
                generated.Add(features);
                if (realFeatures is not null) kept.Add(features.to(float32).cpu().MoveToOuterDisposeScope());
                if (logits is null) throw new ArgumentException($"{network.Name} has no classes to score an Inception-style score with.", nameof(network));
                probabilities.Add(nn.functional.softmax(logits, 1).cpu().MoveToOuterDisposeScope());
            }
            using var all = cat(probabilities, 0);
            var (isMean, isStd) = InceptionScore.Compute(all, splits);
            double? kid = null;
            if (realFeatures is not null)
            {
                using var features = cat(kept, 0);
                kid = KernelInceptionDistance.Compute(realFeatures, features);
            }
            return new MetricResult(count, FrechetDistance.Compute(real, generated), isMean, isStd, kid);
        }
        finally
        {
            foreach (var p in probabilities) p.Dispose();
            foreach (var k in kept) k.Dispose();
        }
    }
}
