using Spectre.Console;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Training;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Bench;

/// <summary>One metric's cost: its networks' time per image (measured), its estimator's time (measured at 10k), and the totals at 10k and 50k.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Parts">What was measured, in words.</param>
/// <param name="SecondsPerImage">Generating and extracting one generated image (and one real image's extraction where it compares with reals).</param>
/// <param name="EstimatorSeconds10k">The estimator over 10,000 against 10,000 features (0 for IS and PPL, which have none to speak of).</param>
/// <param name="TotalSeconds10k">Everything for 10,000 generated images (and as many real ones, extracted once, not cached).</param>
/// <param name="TotalSeconds50k">The same at 50,000, from the measured per-image rate and the estimator's measured scaling.</param>
public sealed record MetricsBenchResult(string Metric, string Parts, double SecondsPerImage, double EstimatorSeconds10k, double TotalSeconds10k, double TotalSeconds50k);

/// <summary>
/// The cost of the standard metrics on the bundled data's shape (32x32 gray, the cpu-tiny generator), with every
/// feature network at its published size and random weights (the published files are not needed to time them).
/// </summary>
public static class MetricsBench
{
    /// <param name="images">Images per timed batch of each network.</param>
    public static List<MetricsBenchResult> Run(int images)
    {
        manual_seed(0);
        using var _ = no_grad();
        using var generator = new Generator(TrainingRunState.NetworkConfigs(Presets.Get("cpu-tiny", 32), 32, 1, 0).G);
        var sampler = new Sampler(generator, batchSize: MetricRunner.BatchSize);
        double generate = PerImage(MetricRunner.BatchSize, () => sampler.Generate(randn(MetricRunner.BatchSize, generator.Config.ZDim), null));
        var uint8Images = PixelRange.ToUint8(sampler.Generate(randn(images, generator.Config.ZDim), null));

        double Extract(IFeatureNetwork network) => PerImage(images, () => network.Extract(uint8Images));
        using var inception = new InceptionV3();
        double inceptionSeconds = Extract(inception);
        using var vgg = new Vgg16Embedding(new Vgg16Features(Vgg16Features.StandardWidths), 4096, 4096);
        double vggSeconds = Extract(vgg);
        using var clip = new ClipVisionEncoder(patchSize: 14, imageSize: 336, width: 1024, layerCount: 24, mlpWidth: 4096, projectionWidth: 768);
        double clipSeconds = PerImage(Math.Min(images, 2), () => clip.Extract(uint8Images.narrow(0, 0, Math.Min(images, 2))));
        using var lpips = new Lpips(new Vgg16Features(Vgg16Features.StandardWidths));
        using var latents = new MetricLatents(generator.Config, null, 0);
        double pplPair = PerImage(PerceptualPathLength.BatchSize, () => PerceptualPathLength.Distances(generator, lpips,
            new PathLengthProtocol(LatentSpace.W, Full: false, Crop: false), PerceptualPathLength.BatchSize, latents, CPU));

        // Estimators on random features of the real sizes: measured at 10k; at 50k FID and KID are measured too,
        // precision/recall (quadratic in the counts) and CMMD are scaled from 10k.
        double Time(Action body) { var watch = System.Diagnostics.Stopwatch.StartNew(); body(); return watch.Elapsed.TotalSeconds; }
        Tensor Features(int n, int d) => randn(n, d);
        double Fid(int n) { var a = Features(n, 2048); var b = Features(n, 2048); return Time(() => { using var x = FeatureStatistics.Of(a); using var y = FeatureStatistics.Of(b); FrechetDistance.Compute(x, y); }); }
        double Kid(int n) { var a = Features(n, 2048); var b = Features(n, 2048); return Time(() => KernelInceptionDistance.Compute(a, b)); }
        double fid10k = Fid(10000), fid50k = Fid(50000), kid10k = Kid(10000), kid50k = Kid(50000);
        var p = Features(10000, 4096);
        var q = Features(10000, 4096);
        double pr10k = Time(() => PrecisionRecall.Compute(p, q));
        var u = Features(10000, 768);
        var v = Features(10000, 768);
        double cmmd10k = Time(() => MaximumMeanDiscrepancy.Compute(u, v));

        MetricsBenchResult Row(string metric, string parts, double perGenerated, double perReal, double estimator10k, double estimator50k) =>
            new(metric, parts, perGenerated + perReal, estimator10k, 10000 * (perGenerated + perReal) + estimator10k, 50000 * (perGenerated + perReal) + estimator50k);
        return
        [
            Row("fid50k_full / fid10k", "G + Inception-v3 per image, reals once; Fréchet distance", generate + inceptionSeconds, inceptionSeconds, fid10k, fid50k),
            Row("kid50k_full", "G + Inception-v3; KID 100 subsets", generate + inceptionSeconds, inceptionSeconds, kid10k, kid50k),
            Row("pr50k3_full", "G + VGG16 fc7; k-NN radii (50k: scaled x25 from 10k)", generate + vggSeconds, vggSeconds, pr10k, 25 * pr10k),
            Row("is50k", "G + Inception-v3; no reals", generate + inceptionSeconds, 0, 0, 0),
            Row("ppl2_wend", "per pair: mapping, 2 images, LPIPS VGG16", pplPair, 0, 0, 0),
            Row("cmmd", "G + CLIP ViT-L/14-336; MMD (50k: scaled x25 from 10k)", generate + clipSeconds, clipSeconds, cmmd10k, 25 * cmmd10k),
        ];
    }

    static double PerImage(int count, Action body) => Measure.Seconds(1, 2, () => { using var scope = NewDisposeScope(); body(); }) / count;

    public static Table Table(IEnumerable<MetricsBenchResult> results, int threads)
    {
        var table = new Table().Title($"Standard metrics on 32x32 gray images (cpu-tiny G; feature networks at published sizes, random weights; {threads} threads)");
        foreach (var column in new[] { "metric", "what is timed", "s/image", "estimator at 10k (s)", "total at 10k", "total at 50k" }) table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(r.Metric, Markup.Escape(r.Parts), $"{r.SecondsPerImage:F4}", $"{r.EstimatorSeconds10k:F1}", MetricLog.FormatTime(r.TotalSeconds10k), MetricLog.FormatTime(r.TotalSeconds50k));
        return table;
    }
}
