using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Metrics;
using StyleGan.Random;
using StyleGan.Training;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan ladder</c>: several configurations trained for one budget on one dataset, scored and set beside the paper's table.</summary>
public static class LadderCommand
{
    public static Command Create()
    {
        var dataOption = new Option<string?>("--data") { Description = "Dataset folder or zip (default: the bundled MNIST digits)" };
        var configs = new Option<string>("--configs") { Description = $"Comma-separated presets, e.g. StyleGAN2's table: {string.Join(",", Presets.ArchitectureTable)}", Required = true }.Sets("Configs");
        var kimg = new Option<double>("--kimg") { Description = "The budget of every configuration, in thousand real images", DefaultValueFactory = _ => 100 }.Sets(nameof(TrainingOptions.TotalKimg));
        var outdir = new Option<string>("--outdir") { Description = "The ladder's folder: a run folder per configuration and seed, ladder.json and ladder.png", DefaultValueFactory = _ => "ladder" };
        var seeds = new Option<string>("--seeds") { Description = "Training seeds of every configuration (e.g. 0,1 or 0-2), to see the metric's noise", DefaultValueFactory = _ => "0" }.Sets("Seeds");
        var metricOptions = new MetricOptions("fid10k_mnist");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("ladder", "Train each configuration for the same budget (resuming the ones already there), score each, and print the table beside the paper's.")
        {
            dataOption, configs, kimg, outdir, seeds, threads, device,
        };
        metricOptions.AddTo(command);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var rungs = Ladder.Rungs(parse.GetValue(configs)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                SeedList.Parse(parse.GetValue(seeds)!).Select(seed => seed <= int.MaxValue ? (int)seed
                    : throw new InvalidValueException("Seeds", $"the training seed {seed} is above {int.MaxValue}.")).ToList());
            double budget = parse.GetValue(kimg);
            if (!double.IsFinite(budget) || budget <= 0 || budget > 1e6) throw new InvalidValueException(nameof(TrainingOptions.TotalKimg), $"the budget {budget} kimg is outside (0, 1000000].");
            var metrics = metricOptions.Chosen(parse);
            if (metrics.Count == 0) throw new InvalidValueException(StandardMetrics.Setting, "no metric named; give at least one.");
            string folder = new OutputRule("--outdir", force: false).Folder(parse.GetValue(outdir)!);
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            using var networks = new FeatureNetworks(metrics, metricOptions.Files(parse), dev);
            using var data = ImageDataset.Open(parse.GetValue(dataOption) ?? BundledData.Mnist);
            using var stop = new GracefulStop();
            Console.WriteLine($"Ladder of {rungs.Count} runs, {budget} kimg each, on {data.Count} images from {data.Path}, scored by {string.Join(", ", metrics.Select(m => m.Name))}.");

            var results = new List<LadderResult>();
            foreach (var (rung, index) in rungs.Select((rung, index) => (rung, index)))
            {
                AnsiConsole.MarkupLine($"[bold]{index + 1}/{rungs.Count}: {Markup.Escape(rung.FolderName)}[/]");
                string checkpoint = "";
                var outcome = TrainingProgressView.Run(budget, 0, report =>
                {
                    (checkpoint, var trained) = Ladder.Train(rung, data, folder, budget, dev, report, stop.Token);
                    return trained;
                });
                if (outcome == TrainingOutcome.Interrupted)
                {
                    Console.WriteLine($"Interrupted in {rung.FolderName}; the same command continues where it stopped.");
                    return 0;
                }
                results.Add(MetricOptions.WithProgress(progress => LadderScore.Evaluate(rung, checkpoint, data, metrics, networks, dev, progress)));
            }
            Report(results, metrics, folder, budget);
            return 0;
        }));
        return command;
    }

    // The table, ladder.json and ladder.png: a row per configuration, its seeds' values and their mean, beside the published value.
    static void Report(IReadOnlyList<LadderResult> results, IReadOnlyList<MetricDefinition> metrics, string folder, double budget)
    {
        var names = metrics.SelectMany(m => m.ResultNames).ToList();
        var rows = results.GroupBy(r => r.Rung.Config).Select(group => (Config: group.Key, Runs: group.ToList())).ToList();
        var datasets = rows.SelectMany(row => PublishedLadders.Of(row.Config)).Select(p => p.Dataset).Distinct().ToList();
        var table = new Table().Title($"{budget} kimg per configuration").AddColumn("config").AddColumn("seeds").AddColumn("kimg").AddColumn("wall (min)");
        foreach (var name in names) table.AddColumn(name);
        foreach (var dataset in datasets) table.AddColumn($"published {dataset} FID");
        foreach (var (config, runs) in rows)
        {
            string Cell(string name) => runs.Count == 1 ? $"{runs[0].Results[name]:G4}"
                : $"{runs.Average(r => r.Results[name]):G4} ({string.Join(", ", runs.Select(r => r.Results[name].ToString("G4")))})";
            var published = PublishedLadders.Of(config);
            table.AddRow([config, string.Join(",", runs.Select(r => r.Rung.Seed)), string.Join(",", runs.Select(r => r.Kimg.ToString("G4"))),
                $"{runs.Average(r => r.WallSeconds) / 60:F0}", .. names.Select(Cell),
                .. datasets.Select(d => published.FirstOrDefault(p => p.Dataset == d) is { } p ? $"{p.Fid}" : "-")]);
        }
        var sources = rows.SelectMany(row => PublishedLadders.Of(row.Config)).Select(p => p.Source).Distinct().ToList();
        if (sources.Count > 0) table.Caption($"published: {string.Join("; ", sources)} (full-size networks and data: compare the order, not the values)");
        AnsiConsole.Write(table);
        var json = Path.Combine(folder, "ladder.json");
        AtomicFile.Write(json, stream => JsonSerializer.Serialize(stream, new
        {
            budget_kimg = budget,
            runs = results.Select(r => new
            {
                config = r.Rung.Config, seed = r.Rung.Seed, checkpoint = r.Checkpoint, kimg = r.Kimg, wall_seconds = r.WallSeconds, results = r.Results,
                published = PublishedLadders.Of(r.Rung.Config).ToDictionary(p => p.Dataset, p => p.Fid),
            }),
        }, new JsonSerializerOptions { WriteIndented = true }));
        var first = names[0];
        var chart = Path.Combine(folder, "ladder.png");
        Images.BarChart.Save(chart, $"{first} after {budget} kimg (dots: seeds; above: the published FFHQ FID)", first,
            rows.Select(row => (row.Config, (IReadOnlyList<double>)row.Runs.Select(r => r.Results[first]).ToList(), PublishedLadders.Of(row.Config).FirstOrDefault()?.Fid)).ToList());
        Console.WriteLine($"Wrote {json} and {chart}.");
    }
}
