using System.Globalization;
using System.Text.Json;

namespace StyleGan.Metrics;

/// <summary>
/// Metric results as JSON lines in the form of NVIDIA's metric-*.jsonl (<c>results</c>, <c>metric</c>,
/// <c>total_time</c>, <c>total_time_str</c>, <c>num_gpus</c>, <c>snapshot_pkl</c>, <c>timestamp</c>), so that their
/// tools read ours, with what a number needs beside it: the feature network and its weights, and the image counts.
/// A file is only ever appended to.
/// </summary>
public static class MetricLog
{
    /// <summary>The file NVIDIA's training loop writes a metric's results to in the run folder.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="metric">The metric's name.</param>
    public static string RunFile(string folder, string metric) => Path.Combine(folder, $"metric-{metric}.jsonl");

    /// <summary>Appends a report of a run's snapshot to the run folder's metric-NAME.jsonl, as NVIDIA's training loop does.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="report">The result.</param>
    /// <param name="snapshot">The snapshot scored (its file name).</param>
    /// <param name="kimg">Where the run's training stood.</param>
    public static void AppendToRun(string folder, MetricReport report, string snapshot, double kimg) =>
        Append(RunFile(folder, report.Metric.Name), [Line(report, snapshot, kimg)]);

    /// <summary>One line for a report.</summary>
    /// <param name="report">The result.</param>
    /// <param name="snapshot">The network it is of (a file name), as <c>snapshot_pkl</c>.</param>
    /// <param name="kimg">Where the network's training stood, when known.</param>
    public static string Line(MetricReport report, string snapshot, double? kimg = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["results"] = report.Results,
        ["metric"] = report.Metric.Name,
        ["total_time"] = report.Seconds,
        ["total_time_str"] = FormatTime(report.Seconds),
        ["num_gpus"] = report.Ranks,
        ["snapshot_pkl"] = snapshot,
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
        ["kimg"] = kimg,
        ["features"] = report.Features,
        ["num_gen"] = report.GeneratedCount,
        ["num_real"] = report.RealCount,
    }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>Appends lines to a file (created with its folder when missing), each flushed whole.</summary>
    /// <param name="file">The JSONL file.</param>
    /// <param name="lines">The lines.</param>
    public static void Append(string file, IEnumerable<string> lines)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is string folder) Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read));
        foreach (var line in lines) writer.WriteLine(line);
    }

    /// <summary>dnnlib.util.format_time: "42s", "3m 05s", "2h 07m 09s", "1d 03h 12m".</summary>
    /// <param name="seconds">A duration.</param>
    public static string FormatTime(double seconds)
    {
        long s = (long)Math.Round(seconds);
        var inv = CultureInfo.InvariantCulture;
        if (s < 60) return string.Create(inv, $"{s}s");
        if (s < 3600) return string.Create(inv, $"{s / 60}m {s % 60:D2}s");
        if (s < 86400) return string.Create(inv, $"{s / 3600}h {s / 60 % 60:D2}m {s % 60:D2}s");
        return string.Create(inv, $"{s / 86400}d {s / 3600 % 24:D2}h {s / 60 % 60:D2}m");
    }
}
