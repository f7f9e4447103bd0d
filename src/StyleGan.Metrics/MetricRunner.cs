using StyleGan.Distributed;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>Runs a feature network over real and generated images batch by batch, each batch in a dispose scope of its own.</summary>
public static class MetricRunner
{
    /// <summary>Generated images per batch.</summary>
    public const int BatchSize = 64;

    /// <summary>The features of real images [count, D] (float32, CPU), for the metrics that need them all; FID needs only their statistics.</summary>
    /// <param name="network">The feature network.</param>
    /// <param name="count">Number of real images.</param>
    /// <param name="readBatch">(start, count) to uint8 images [count, C, H, W], e.g. from a dataset.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="progress">Called with the images done after each batch.</param>
    public static Tensor RealFeatures(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize = 256, Action<int>? progress = null)
    {
        var parts = new List<Tensor>();
        try
        {
            ForEachBatch(network, count, readBatch, batchSize, features => parts.Add(features.to(float32).cpu().MoveToOuterDisposeScope()), progress);
            return cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <summary>Feature statistics of real images.</summary>
    /// <param name="network">The feature network.</param>
    /// <param name="count">Number of real images.</param>
    /// <param name="readBatch">(start, count) to uint8 images [count, C, H, W], e.g. from a dataset.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="progress">Called with the images done after each batch.</param>
    public static FeatureStatistics RealStatistics(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize = 256, Action<int>? progress = null)
    {
        var statistics = new FeatureStatistics((int)network.FeatureCount);
        try
        {
            ForEachBatch(network, count, readBatch, batchSize, statistics.Add, progress);
            return statistics;
        }
        catch
        {
            statistics.Dispose();
            throw;
        }
    }

    static void ForEachBatch(IFeatureNetwork network, int count, Func<int, int, Tensor> readBatch, int batchSize, Action<Tensor> use, Action<int>? progress)
    {
        using var _ = no_grad();
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, count - start);
            use(network.Extract(readBatch(start, n)).Features);
            progress?.Invoke(start + n);
        }
    }

    /// <summary>
    /// The features [count, D] (float32, CPU) of generated images and, for a classifier, their class probabilities
    /// [count, K] (float32, CPU; null otherwise). The images are quantized to uint8 as a saved file would be, so that
    /// they are fed exactly as the real ones.
    /// </summary>
    /// <param name="network">The feature network.</param>
    /// <param name="sampleBatch">n to n generated images [n, C, H, W] in [-1, 1] (this rank's rows of them, <see cref="BatchShare.Take(Tensor)"/>, where ranks share the work); runs under no_grad.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="batchSize">Images per call of <paramref name="sampleBatch"/>.</param>
    /// <param name="progress">Called with the images done after each batch.</param>
    /// <param name="share">The ranks that generate the images together, each its rows of every batch; every rank gets all the features. Null: this process alone.</param>
    public static (Tensor Features, Tensor? Probabilities) GeneratedFeatures(IFeatureNetwork network, Func<int, Tensor> sampleBatch, int count,
        int batchSize = BatchSize, Action<int>? progress = null, BatchShare? share = null)
    {
        share ??= BatchShare.Whole;
        using var _ = no_grad();
        var features = new List<Tensor>();
        var probabilities = new List<Tensor>();
        try
        {
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batchSize, count - start);
                var images = sampleBatch(n);
                long rows = share.Rows(n);
                if (images.shape[0] != rows) throw new InvalidOperationException($"Asked the sampler for {rows} images, it returned {images.shape[0]}.");
                var (batchFeatures, logits) = network.Extract(PixelRange.ToUint8(images));
                features.Add(share.Gather(batchFeatures.to(float32).cpu(), n).MoveToOuterDisposeScope());
                if (logits is not null) probabilities.Add(share.Gather(nn.functional.softmax(logits, 1).to(float32).cpu(), n).MoveToOuterDisposeScope());
                progress?.Invoke(start + n);
            }
            return (cat(features, 0), probabilities.Count > 0 ? cat(probabilities, 0) : null);
        }
        finally
        {
            foreach (var tensor in features.Concat(probabilities)) tensor.Dispose();
        }
    }
}
