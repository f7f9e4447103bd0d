using System.CommandLine;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Files;
using StyleGan.Metrics;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Training;

namespace StyleGan.Cli.Commands;

/// <summary>
/// <c>stylegan metrics</c>: NVIDIA's metrics (FID, KID, precision/recall, IS, PPL) and CMMD of networks, by name.
/// Started by mpirun as several processes, they generate the images together; rank 0 prints and writes.
/// </summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var network = new Option<string[]>("--network") { Description = "Network(s) to score (G_ema): our checkpoints, exported networks, NVIDIA .pkl (PyTorch or TensorFlow-era) or rosinality .pt", Required = true, AllowMultipleArgumentsPerToken = true }.Sets("Network");
        var dataOption = new Option<string?>("--data") { Description = "Real images (default: the bundled MNIST digits)" };
        var metricOptions = new MetricOptions("fid10k_mnist,is10k_mnist");
        var num = new Option<int?>("--num") { Description = "Generated images (path length: pairs) for every metric, instead of each metric's own count" }.Sets("ImageCount");
        var trunc = new Option<double>("--trunc") { Description = "Truncation psi", DefaultValueFactory = _ => 1 }.Sets("TruncationPsi");
        var seed = new Option<ulong>("--seed") { Description = "Seed of latents, labels and path-length steps", DefaultValueFactory = _ => 0 };
        var json = new Option<string?>("--json") { Description = "Append the results to this JSONL file, a line per metric and network as NVIDIA's metric-*.jsonl" };
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("metrics", "Quality metrics of networks against a dataset: fid50k_full, kid50k_full, pr50k3_full, is50k, ppl2_wend, cmmd, ... " +
            "(NVIDIA's names and protocols), or the bundled MNIST classifier's fid10k_mnist, kid10k_mnist, pr10k3_mnist, is10k_mnist (the default).")
        {
            network, dataOption, num, trunc, seed, json, threads, device,
        };
        metricOptions.AddTo(command);
        command.SetAction(parse => RankedRun.Run(parse, ranks =>
        {
            bool writes = ranks.Rank == 0;
            string dataPath = parse.GetValue(dataOption) ?? BundledData.Mnist;
            // Checked before the minutes of scoring, not after.
            var metrics = metricOptions.Chosen(parse, parse.GetValue(num));
            if (metrics.Count == 0) throw new InvalidValueException(StandardMetrics.Setting, "no metric named; give at least one.");
            var files = metricOptions.Files(parse);
            string? jsonPath = parse.GetValue(json) is string requested && writes
                ? new OutputRule("--json", force: false, [dataPath, files.Inception, files.Vgg16, files.Clip, files.Classifier, .. parse.GetValue(network)!]).AppendedFile(requested)
                : null;
            var truncation = new Truncation(parse.GetValue(trunc));
            Truncation.Check(truncation.Psi, null, null);
            foreach (var path in parse.GetValue(network)!) InputFile.Require(path, "Network file");
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            using var data = ImageDataset.Open(dataPath);
            using var networks = new FeatureNetworks(metrics, files, dev);
            var share = new BatchShare(ranks);
            // Every rank generates its share of the images; rank 0 alone gets the reports, shows progress and prints.
            IReadOnlyList<MetricReport> Score(Networks.Generator generator) => writes
                ? MetricOptions.WithProgress(progress => MetricSuite.Evaluate(generator, data, metrics, networks, parse.GetValue(seed), truncation, dev, progress, share))
                : MetricSuite.Evaluate(generator, data, metrics, networks, parse.GetValue(seed), truncation, dev, share: share);
            if (writes)
            {
                Console.WriteLine($"{data.Count} real images from {dataPath}{(ranks.Size > 1 ? $", the generated ones on {ranks.Size} processes" : "")}.");
                foreach (var metric in metrics) Console.WriteLine($"  {metric.Name}: {metric.Protocol}");
            }

            // A row per result: any number of metrics stays readable at a terminal's width.
            var table = new Table().AddColumn("network").AddColumn("kimg").AddColumn("result").AddColumn(new TableColumn("value").RightAligned()).AddColumn("seconds");
            foreach (var path in parse.GetValue(network)!)
            {
                using var loaded = NetworkFile.Load(path, NetworkParts.Sampler);
                double? kimg = Checkpoint.Counters(loaded, path)?.CurNimg / 1000.0;
                if (writes) NetworkReport.PrintSampler(loaded);
                var reports = Score(loaded.Sampler);
                foreach (var report in reports)
                    foreach (var (name, value) in report.Results)
                        table.AddRow(Markup.Escape(Path.GetFileName(path)), kimg is null ? "-" : $"{kimg:F1}", name, $"{value:G6}", $"{report.Seconds:F0}");
                if (jsonPath is not null) MetricLog.Append(jsonPath, reports.Select(r => MetricLog.Line(r, Path.GetFileName(path), kimg)));
            }
            if (!writes) return 0;
            AnsiConsole.Write(table);
            if (jsonPath is not null) Console.WriteLine($"Appended to {jsonPath}.");
            return 0;
        }));
        return command;
    }
}
