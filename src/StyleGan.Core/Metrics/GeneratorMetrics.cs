using StyleGan.Data;
using StyleGan.Generation;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Metrics;

/// <summary>FID and the Inception score of a generator against a dataset, in a feature network's space, as `stylegan metrics` reports them.</summary>
public static class GeneratorMetrics
{
    /// <summary>The features of every image of a dataset [N, D], for KID (and, through <see cref="FeatureStatistics"/>, FID).</summary>
    public static Tensor RealFeatures(IFeatureNetwork network, ImageDataset data) =>
        MetricRunner.RealFeatures(network, data.Count, (start, count) => data.Images(Enumerable.Range(start, count).ToList()));

    /// <summary>Feature statistics of every image of a dataset.</summary>
    public static FeatureStatistics RealStatistics(IFeatureNetwork network, ImageDataset data) =>
        MetricRunner.RealStatistics(network, data.Count, (start, count) => data.Images(Enumerable.Range(start, count).ToList()));

    /// <summary>Refuses a number of generated images that cannot be scored, so that a front end can check it before reading anything.</summary>
    /// <param name="count">Generated images.</param>
    public static void CheckImageCount(int count)
    {
        // The Inception-style score cuts the images into its splits, each of at least one image (and a covariance
        // needs two); beyond ten million, the statistics gain nothing the hours would buy.
        const int fewest = InceptionScore.DefaultSplits;
        if (count < fewest || count > 10_000_000)
            throw new InvalidValueException("ImageCount", $"the number of generated images {count} is outside [{fewest}, 10000000] (FID is usually measured on 10,000 or 50,000).");
    }

    /// <param name="generator">The generator to score (G_ema of a checkpoint).</param>
    /// <param name="data">The real images; its labels are sampled for a conditional generator, as the official metrics do.</param>
    /// <param name="network">The feature network (Inception-v3 or the MNIST classifier).</param>
    /// <param name="real">Statistics of <paramref name="data"/> (see <see cref="RealStatistics"/>).</param>
    /// <param name="count">Generated images (10,000 matches the bundled MNIST's size).</param>
    /// <param name="seed">Seeds the latents and labels, so a score is reproducible.</param>
    /// <param name="truncationPsi">1 for the untruncated distribution FID is defined on.</param>
    /// <param name="device">Where the generator runs.</param>
    /// <param name="realFeatures">The real features (see <see cref="RealFeatures"/>) for KID as well; null: no KID.</param>
    public static MetricResult Evaluate(Generator generator, ImageDataset data, IFeatureNetwork network, FeatureStatistics real,
        int count = 10000, ulong seed = 0, double truncationPsi = 1, Device? device = null, Tensor? realFeatures = null)
    {
        CheckImageCount(count);
        using var random = new torch.Generator(seed);
        int labelDim = generator.Config.CDim;
        if (labelDim > 0 && data.LabelDim != labelDim)
            throw new InvalidDataException($"The generator is conditioned on {labelDim} labels but {data.Path} has {(data.LabelDim == 0 ? "none" : data.LabelDim.ToString())}; " +
                "score it against the data it was trained on.");
        var sampler = new Sampler(generator, device, MetricRunner.BatchSize);
        var truncation = new Truncation(truncationPsi);
        return MetricRunner.Evaluate(network, n =>
        {
            var z = randn(new long[] { n, generator.Config.ZDim }, generator: random);
            Tensor? c = null;
            if (labelDim > 0)
            {
                var indices = randint(0, data.Count, new long[] { n }, generator: random).data<long>().Select(i => (int)i).ToList();
                c = data.Labels(indices) ?? throw new InvalidDataException($"The generator is conditional but {data.Path} has no labels.");
            }
            return sampler.Generate(z, c, truncation);
        }, count, real, realFeatures: realFeatures);
    }
}
