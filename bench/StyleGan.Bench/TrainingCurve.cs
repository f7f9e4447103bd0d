using System.Text.Json;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Generation;
using StyleGan.Metrics;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;

namespace StyleGan.Bench;

/// <summary>One snapshot of a run: where it stands and how good its G_ema is.</summary>
/// <param name="InceptionFid">FID in Inception space (fid10k_full with --num images), where pytorch-fid's weights are present; null otherwise.</param>
/// <param name="ClassAccuracy">For a conditional G: the share of the images generated for each digit class that the MNIST classifier calls that class; null otherwise.</param>
public sealed record CurvePoint(string Snapshot, double Kimg, double WallSeconds, double FidMnist, double IsMean, double RssMb, double? InceptionFid, double? ClassAccuracy);

/// <summary>
/// FID-MNIST against kimg and wall time for every checkpoint of a training run (train with --keep 0 to keep them
/// all): a table on stdout, JSON and a PNG chart in the output folder. RSS comes from the run's stats.jsonl. For a
/// conditional run, the class accuracy says from when `generate --class K` draws the digit K (FID alone cannot: a G
/// that ignores its label can still draw good digits).
/// </summary>
public static class TrainingCurve
{
    /// <param name="runFolder">A run folder of `stylegan train`.</param>
    /// <param name="data">The real images (the run's dataset).</param>
    /// <param name="classifier">The MNIST classifier of FID-MNIST.</param>
    /// <param name="count">Generated images per snapshot.</param>
    /// <param name="inception">pytorch-fid's weights for the Inception column, or null where they are absent.</param>
    public static List<CurvePoint> Measure(string runFolder, string data, string classifier, int count, string? inception)
    {
        var snapshots = Directory.GetFiles(runFolder, Checkpoint.FilePrefix + "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (snapshots.Count == 0) throw new FileNotFoundException($"{runFolder} holds no {Checkpoint.FilePrefix}*.safetensors; train with --keep 0 first.");
        var rssByKimg = RssByKimg(Path.Combine(runFolder, "stats.jsonl"));
        using var dataset = ImageDataset.Open(data);
        var metrics = StandardMetrics.Parse(inception is null ? "fid10k_mnist,is10k_mnist" : "fid10k_mnist,is10k_mnist,fid10k_full")
            .Select(m => m.WithGeneratedCount(count)).ToList();
        using var networks = new FeatureNetworks(metrics, new MetricWeightFiles(Inception: inception, Classifier: classifier));
        using var digits = MnistClassifier.Load(classifier);
        var points = new List<CurvePoint>();
        foreach (var path in snapshots)
        {
            using var loaded = NetworkFile.Load(path, NetworkParts.Sampler);
            var counters = Checkpoint.Counters(loaded, path) ?? throw new InvalidDataException($"{path} is not a training checkpoint.");
            var values = MetricSuite.Evaluate(loaded.Sampler, dataset, metrics, networks).SelectMany(r => r.Results).ToDictionary();
            double kimg = counters.CurNimg / 1000.0;
            double rss = rssByKimg.Where(kv => kv.Key <= kimg + 1e-9).Select(kv => kv.Value).DefaultIfEmpty(double.NaN).Last();
            double? accuracy = loaded.Sampler.Config.CDim == MnistClassifier.ClassCount
                ? ClassAccuracy(new Sampler(loaded.Sampler), digits, perClass: Math.Max(1, count / MnistClassifier.ClassCount / 10))
                : null;
            points.Add(new CurvePoint(Path.GetFileName(path), kimg, counters.WallSeconds, values["fid10k_mnist"], values["is10k_mnist_mean"], rss,
                values.TryGetValue("fid10k_full", out var fid) ? fid : null, accuracy));
            Console.WriteLine($"{Path.GetFileName(path)}: kimg {kimg:F1}, FID-MNIST {values["fid10k_mnist"]:F2}" +
                (accuracy is double a ? $", class accuracy {a:P1}" : ""));
        }
        return points;
    }

    /// <summary>
    /// Seeds 0 .. perClass-1 generated for each digit class as `stylegan generate --class K` draws them (no
    /// truncation), and the share the classifier assigns to the class asked for.
    /// </summary>
    public static double ClassAccuracy(Sampler sampler, MnistClassifier classifier, int perClass)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var seeds = Enumerable.Range(0, perClass).Select(i => (uint)i).ToList();
        long correct = 0;
        for (int digit = 0; digit < MnistClassifier.ClassCount; digit++)
        {
            var images = sampler.GenerateSeeds(seeds, classIndex: digit);
            correct += classifier.Logits(images).argmax(1).eq(digit).sum().item<long>();
        }
        return correct / (double)(perClass * MnistClassifier.ClassCount);
    }

    public static Table Table(IEnumerable<CurvePoint> points, string runFolder, int count)
    {
        var table = new Table().Title($"Training curve of {runFolder}: FID-MNIST of G_ema ({count} generated images) per snapshot");
        foreach (var column in new[] { "snapshot", "kimg", "wall (min)", "FID-MNIST", "IS", "class accuracy", "RSS (MB)", "FID (Inception)" }) table.AddColumn(column);
        foreach (var p in points)
            table.AddRow(p.Snapshot, $"{p.Kimg:F1}", $"{p.WallSeconds / 60:F1}", $"{p.FidMnist:F2}", $"{p.IsMean:F2}",
                p.ClassAccuracy is double accuracy ? $"{accuracy:P1}" : "unconditional", $"{p.RssMb:F0}",
                p.InceptionFid is double fid ? $"{fid:F2}" : "weights absent");
        return table;
    }

    /// <summary>FID against kimg (bottom axis) with wall minutes marked along the top; log-scaled FID.</summary>
    public static void SaveChart(string path, IReadOnlyList<CurvePoint> points, string title)
    {
        double maxKimg = points.Max(p => p.Kimg);
        var wall = Enumerable.Range(0, 6).Select(i => points.MinBy(q => Math.Abs(q.Kimg - maxKimg * i / 5))!).Select(p => (p.Kimg, $"{p.WallSeconds / 60:F0} min")).ToList();
        LineChart.Save(path, title, "kimg (wall time along the top)", "FID-MNIST",
            [new ChartSeries("FID-MNIST", LineChart.Blue, points.Select(p => (p.Kimg, p.FidMnist)).ToList())], logY: true, topLabels: wall);
    }

    public static void SaveJson(string path, IReadOnlyList<CurvePoint> points, string runFolder, int threads) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            date = DateTime.UtcNow.ToString("o"),
            run = runFolder,
            training_options = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, TrainingLoop.OptionsFileName))).RootElement,
            metric_threads = threads,
            points,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));

    static SortedDictionary<double, double> RssByKimg(string statsPath)
    {
        var rss = new SortedDictionary<double, double>();
        if (!File.Exists(statsPath)) return rss;
        foreach (var line in File.ReadLines(statsPath).Where(l => l.Length > 0))
        {
            using var record = JsonDocument.Parse(line);
            if (record.RootElement.TryGetProperty("resources/rss_mb", out var mb))
                rss[record.RootElement.GetProperty("kimg").GetDouble()] = mb.GetDouble();
        }
        return rss;
    }
}
