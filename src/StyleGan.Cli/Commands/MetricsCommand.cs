using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Metrics;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan metrics</c>: FID and IS of networks, in Inception space or the bundled MNIST classifier's.</summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var network = new Option<string[]>("--network") { Description = "Network(s) to score (G_ema): our checkpoints, exported networks, NVIDIA .pkl or rosinality .pt", Required = true, AllowMultipleArgumentsPerToken = true };
        var dataOption = new Option<string?>("--data") { Description = "Real images (default: the bundled MNIST digits)" };
        var classifier = new Option<string?>("--classifier") { Description = "MNIST classifier (default: the bundled one, data/mnist-classifier.safetensors)" };
        var inception = new Option<string?>("--inception") { Description = "pytorch-fid's Inception weights: score FID and IS in Inception space instead of the MNIST classifier's" };
        var kid = new Option<bool>("--kid") { Description = "Also KID (NVIDIA's unbiased estimator, 100 subsets of 1000); keeps every feature in memory" };
        var num = new Option<int>("--num") { Description = "Generated images", DefaultValueFactory = _ => 10000 };
        var trunc = new Option<double>("--trunc") { Description = "Truncation psi", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of latents and labels", DefaultValueFactory = _ => 0 };
        var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file" };
        var force = new Option<bool>("--force") { Description = "Replace an existing --json file" };
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("metrics", "FID and IS of generated images: with --inception in pytorch-fid's Inception space, otherwise in the bundled MNIST classifier's (FID-MNIST).")
        {
            network, dataOption, classifier, inception, kid, num, trunc, seed, json, force, threads, device,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string dataPath = parse.GetValue(dataOption) ?? BundledData.Mnist, classifierPath = parse.GetValue(classifier) ?? BundledData.MnistClassifier;
            // Checked before the minutes of scoring, not after.
            string? jsonPath = parse.GetValue(json) is string requested
                ? new OutputRule("--json", parse.GetValue(force), [dataPath, classifierPath, .. parse.GetValue(network)!]).File(requested) : null;
            MappingNetwork.CheckTruncation(parse.GetValue(trunc), null, null);
            GeneratorMetrics.CheckImageCount(parse.GetValue(num));
            foreach (var path in parse.GetValue(network)!) InputFile.Require(path, "Network file");
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            using var data = ImageDataset.Open(dataPath);
            string? inceptionPath = parse.GetValue(inception);
            using var net = inceptionPath is null ? (torch.nn.Module)MnistClassifier.Load(classifierPath) : InceptionV3.Load(inceptionPath, dev);
            var features = (IFeatureNetwork)net;
            string fidName = inceptionPath is null ? "FID-MNIST" : "FID", isName = inceptionPath is null ? "IS-MNIST" : "IS";
            Console.WriteLine($"Features: {features.Name}; {data.Count} real images from {dataPath}.");
            using var realFeatures = parse.GetValue(kid) ? GeneratorMetrics.RealFeatures(features, data) : null;
            FeatureStatistics real;
            if (realFeatures is null)
            {
                bool cached;
                (real, cached) = StatisticsCache.GetOrExtract(features, data, () => GeneratorMetrics.RealStatistics(features, data));
                if (cached) Console.WriteLine($"  real statistics from the cache ({StatisticsCache.Folder}).");
            }
            else
            {
                real = new FeatureStatistics((int)features.FeatureCount);
                real.Add(realFeatures);
            }
            using var _ = real;
            var table = new Table().AddColumn("network").AddColumn("kimg").AddColumn(fidName).AddColumn($"{isName} (mean ± std)");
            if (realFeatures is not null) table.AddColumn(inceptionPath is null ? "KID-MNIST" : "KID");
            var rows = new List<object>();
            foreach (var path in parse.GetValue(network)!)
            {
                using var networks = NetworkFile.Load(path, NetworkParts.Sampler);
                var counters = Checkpoint.Counters(networks, path);
                double? kimg = counters?.CurNimg / 1000.0, wall = counters?.WallSeconds;
                NetworkReport.PrintSampler(networks);
                var generator = networks.Sampler;
                generator.to(dev);
                var result = GeneratorMetrics.Evaluate(generator, data, features, real, parse.GetValue(num), parse.GetValue(seed), parse.GetValue(trunc), dev, realFeatures);
                string[] cells = [Markup.Escape(path), kimg is null ? "-" : $"{kimg:F1}", $"{result.Fid:F2}", $"{result.InceptionScoreMean:F2} ± {result.InceptionScoreStd:F2}"];
                table.AddRow(result.Kid is double k ? [.. cells, $"{k:F5}"] : cells);
                rows.Add(new { network = path, kimg, wall_seconds = wall, features = features.Name, fid = result.Fid, is_mean = result.InceptionScoreMean, is_std = result.InceptionScoreStd, kid = result.Kid, count = result.Count });
            }
            AnsiConsole.Write(table);
            if (jsonPath is not null)
                AtomicFile.Write(jsonPath, stream => JsonSerializer.Serialize(stream, rows,
                    new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return 0;
        }));
        return command;
    }
}
