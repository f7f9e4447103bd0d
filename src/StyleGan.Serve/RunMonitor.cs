using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>A training run's numbers by name, each a series over kimg.</summary>
/// <param name="Kimg">Where each tick stood.</param>
/// <param name="Series">Each logged value per tick (null where a tick lacks it).</param>
/// <param name="Metrics">Each metric's results: its name, and (kimg, value) per evaluation.</param>
/// <param name="Fakes">The newest fakes grid's file name, or null before the first.</param>
public sealed record RunStatus(IReadOnlyList<double> Kimg, IReadOnlyDictionary<string, IReadOnlyList<double?>> Series,
    IReadOnlyDictionary<string, IReadOnlyList<(double Kimg, double Value)>> Metrics, string? Fakes);

/// <summary>
/// Reads a run folder as the training loop writes it, while it writes it: stats.jsonl (a line per tick; a line
/// still being written is left for the next read), the fakes grids and the metric-*.jsonl results.
/// </summary>
/// <param name="folder">The run folder.</param>
public sealed partial class RunMonitor(string folder)
{
    /// <summary>The largest stats file read (a week of ticks is a few megabytes).</summary>
    public const long MaxStatsBytes = 256L << 20;

    /// <summary>The run folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>What the run has written so far.</summary>
    public RunStatus Read()
    {
        var kimg = new List<double>();
        var series = new Dictionary<string, List<double?>>();
        foreach (var record in Lines(Path.Combine(Folder, "stats.jsonl")))
        {
            if (!record.TryGetValue("kimg", out double tick)) continue;
            kimg.Add(tick);
            foreach (var (name, value) in record.Where(pair => pair.Key != "kimg"))
            {
                if (!series.TryGetValue(name, out var values)) series[name] = values = [.. Enumerable.Repeat<double?>(null, kimg.Count - 1)];
                values.Add(value);
            }
            foreach (var values in series.Values.Where(values => values.Count < kimg.Count)) values.Add(null);
        }
        var metrics = new Dictionary<string, IReadOnlyList<(double, double)>>();
        foreach (var file in Directory.EnumerateFiles(Folder, "metric-*.jsonl").Order(StringComparer.Ordinal))
            foreach (var (name, points) in MetricPoints(file))
                metrics[name] = points;
        return new RunStatus(kimg, series.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<double?>)pair.Value), metrics, NewestFakes());
    }

    /// <summary>The path of the newest fakes grid, or null.</summary>
    public string? NewestFakesPath() => NewestFakes() is string name ? Path.Combine(Folder, name) : null;

    string? NewestFakes() =>
        Directory.EnumerateFiles(Folder, "fakes*.png").Select(Path.GetFileName).OfType<string>()
            .Where(name => FakesName().IsMatch(name)).OrderBy(name => name == "fakes_init.png" ? "" : name, StringComparer.Ordinal).LastOrDefault();

    static IEnumerable<(string Name, IReadOnlyList<(double, double)> Points)> MetricPoints(string file)
    {
        var points = new Dictionary<string, List<(double, double)>>();
        foreach (var line in TextLines(file))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object) continue;
                double kimg = root.TryGetProperty("kimg", out var k) && k.ValueKind == JsonValueKind.Number ? k.GetDouble()
                    : root.TryGetProperty("snapshot_pkl", out var s) && SnapshotKimg().Match(s.GetString() ?? "") is { Success: true } m ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
                foreach (var result in results.EnumerateObject().Where(r => r.Value.ValueKind == JsonValueKind.Number))
                {
                    if (!points.TryGetValue(result.Name, out var list)) points[result.Name] = list = [];
                    list.Add((kimg, result.Value.GetDouble()));
                }
            }
            catch (JsonException) { } // a line being written
        }
        return points.Select(pair => (pair.Key, (IReadOnlyList<(double, double)>)pair.Value));
    }

    // Each complete stats line as its numbers.
    static IEnumerable<Dictionary<string, double>> Lines(string file)
    {
        foreach (var line in TextLines(file))
        {
            Dictionary<string, double>? values = null;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object) continue;
                values = document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
                    .ToDictionary(p => p.Name, p => p.Value.GetDouble());
            }
            catch (JsonException) { } // a line being written
            if (values is not null) yield return values;
        }
    }

    // The file's complete lines (up to the last newline), read while another process appends to it.
    static IEnumerable<string> TextLines(string file)
    {
        if (!File.Exists(file)) yield break;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxStatsBytes) throw new RequestException($"{file} is {stream.Length:N0} bytes, more than the {MaxStatsBytes:N0} this page reads.", StatusCodes.Status500InternalServerError);
        using var reader = new StreamReader(stream);
        string text = reader.ReadToEnd();
        int end = text.LastIndexOf('\n');
        foreach (var line in text[..(end + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)) yield return line;
    }

    [GeneratedRegex(@"^fakes(\d+|_init)\.png$")]
    private static partial Regex FakesName();

    [GeneratedRegex(@"(\d+)\.(pkl|safetensors)$")]
    private static partial Regex SnapshotKimg();
}
