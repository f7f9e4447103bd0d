using System.Text.Json;
using Spectre.Console;

namespace StyleGan.Bench;

/// <summary>One tick of a run's stats.jsonl: r_t = E[sign(D(real))] and, with augmentation, p.</summary>
public sealed record TickSigns(double Kimg, double SignsReal, double? AugmentP);

/// <summary>
/// Runs of the same data and budget, with and without augmentation, side by side: FID-MNIST of every snapshot (all
/// of the bundled digits as the reference, not only the run's training images), r_t and p per tick; a table, JSON
/// and two charts (FID; r_t with p).
/// </summary>
public static class AdaComparison
{
    public static void Run(IReadOnlyList<string> runFolders, string data, string classifier, int count, string outFile, int threads)
    {
        var curves = runFolders.Select(run => (Run: run, Name: Name(run), Points: TrainingCurve.Measure(run, data, classifier, count, inception: null),
            Ticks: Ticks(Path.Combine(run, "stats.jsonl")))).ToList();

        var table = new Table().Title($"FID-MNIST of G_ema ({count} generated images against all of {data}) and r_t per snapshot");
        table.AddColumn("kimg");
        foreach (var c in curves) table.AddColumn($"{c.Name}: FID / r_t / p");
        foreach (var kimg in curves[0].Points.Select(p => p.Kimg))
            table.AddRow([$"{kimg:F1}", .. curves.Select(c =>
            {
                // Snapshots of runs of different minibatch histories (an interruption) fall within a minibatch of each other.
                var point = c.Points.FirstOrDefault(p => Math.Abs(p.Kimg - kimg) < 0.5);
                var tick = c.Ticks.LastOrDefault(t => t.Kimg <= kimg + 1e-6);
                return point is null ? "" : $"{point.FidMnist:F1} / {tick?.SignsReal:F2} / {(tick?.AugmentP is double p ? p.ToString("F3") : "-")}";
            })]);
        AnsiConsole.Write(table);

        File.WriteAllText(outFile + ".json", JsonSerializer.Serialize(new
        {
            date = DateTime.UtcNow.ToString("o"),
            data,
            generated_images = count,
            metric_threads = threads,
            runs = curves.Select(c => new
            {
                run = c.Run,
                training_options = JsonDocument.Parse(File.ReadAllText(Path.Combine(c.Run, Training.TrainingLoop.OptionsFileName))).RootElement,
                snapshots = c.Points,
                ticks = c.Ticks,
            }),
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));

        var colours = new[] { LineChart.Blue, LineChart.Orange, LineChart.Green };
        LineChart.Save(outFile + "-fid.png", "FID-MNIST of G_ema per snapshot", "kimg", "FID-MNIST",
            curves.Select((c, i) => new ChartSeries(c.Name, colours[i % 3], c.Points.Select(p => (p.Kimg, p.FidMnist)).ToList())).ToList(), logY: true);
        var signs = curves.Select((c, i) => new ChartSeries($"r_t {c.Name}", colours[i % 3], c.Ticks.Select(t => (t.Kimg, t.SignsReal)).ToList())).ToList();
        var augmentP = curves.Where(c => c.Ticks.Any(t => t.AugmentP is not null))
            .Select(c => new ChartSeries($"p {c.Name}", LineChart.Green, c.Ticks.Where(t => t.AugmentP is not null).Select(t => (t.Kimg, t.AugmentP!.Value)).ToList()));
        LineChart.Save(outFile + "-rt.png", "r_t = E[sign(D(real))] per tick, and ADA's p", "kimg", "r_t, p", [.. signs, .. augmentP], reference: (0.6, "ADA target 0.6"));
        Console.WriteLine($"wrote {outFile}.json, {outFile}-fid.png and {outFile}-rt.png");
    }

    // The run's augmentation, from its options: noaug, ada, fixed.
    static string Name(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, Training.TrainingLoop.OptionsFileName))).RootElement.TryGetProperty("augment", out var mode)
            ? mode.GetString()! : "noaug";

    static List<TickSigns> Ticks(string statsPath) => File.ReadLines(statsPath).Where(l => l.Length > 0).Select(line =>
    {
        using var record = JsonDocument.Parse(line);
        var root = record.RootElement;
        return new TickSigns(root.GetProperty("kimg").GetDouble(), root.GetProperty("loss/signs_real").GetDouble(),
            root.TryGetProperty("progress/augment", out var p) ? p.GetDouble() : null);
    }).ToList();
}
