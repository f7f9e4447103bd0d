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
/// still being written is left for the next read), the fakes grids and the metric-*.jsonl results. Every file is
/// read under the server's read rule (<see cref="Files.ConfinedFiles"/>) confined to the run folder, one read at a
/// time, so that a link, device or FIFO put among them neither leaks what is outside nor holds memory or a request.
/// </summary>
public sealed partial class RunMonitor
{
    /// <summary>The largest stats or metric file read (a week of ticks is a few megabytes).</summary>
    public const long MaxStatsBytes = 64L << 20;

    readonly FolderAccess access;
    readonly object reading = new();

    /// <param name="folder">The run folder; it must exist.</param>
    public RunMonitor(string folder)
    {
        access = new FolderAccess([folder]);
        Folder = access.Roots[0];
    }

    /// <summary>The run folder, resolved.</summary>
    public string Folder { get; }

    /// <summary>What the run has written so far.</summary>
    public RunStatus Read()
    {
        lock (reading)
        {
            RequireFolder();
            var kimg = new List<double>();
            var series = new Dictionary<string, List<double?>>();
            foreach (var record in Lines(TextLines(Path.Combine(Folder, "stats.jsonl"))))
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
            foreach (var file in Listed(name => name.StartsWith("metric-", StringComparison.Ordinal) && name.EndsWith(".jsonl", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                foreach (var (name, points) in MetricPoints(TextLines(file)))
                    metrics[name] = points;
            return new RunStatus(kimg, series.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<double?>)pair.Value), metrics,
                NewestFakes() is string fakes ? Path.GetFileName(fakes) : null);
        }
    }

    /// <summary>The newest fakes grid, opened to read, or null before the first.</summary>
    public FileStream? OpenNewestFakes()
    {
        lock (reading)
        {
            RequireFolder();
            return NewestFakes() is string file ? access.OpenRead("run", file) : null;
        }
    }

    // The run folder's own files that the read rule lets be read (a link is listed under the name of what it leads to).
    IEnumerable<string> Listed(Func<string, bool> wanted) =>
        access.Files(file => Path.GetDirectoryName(file) == Folder && wanted(Path.GetFileName(file)), depth: 0);

    string? NewestFakes() =>
        Listed(name => FakesName().IsMatch(name)).OrderBy(file => Path.GetFileName(file) is var name && name == "fakes_init.png" ? "" : name, StringComparer.Ordinal).LastOrDefault();

    void RequireFolder()
    {
        if (Files.PathIdentity.Target(Folder) != Files.PathKind.Folder)
            throw new RequestException($"run: the run folder {Folder} is gone (deleted or moved since the server started); restart `stylegan serve --run` with where it is now.", StatusCodes.Status404NotFound);
    }

    // The file's complete lines (up to the last newline), read while another process appends to it; none while it
    // is not there yet.
    IEnumerable<string> TextLines(string file)
    {
        byte[] bytes;
        try { bytes = access.ReadAllBytes("run", file, MaxStatsBytes); }
        catch (RequestException e) when (e.Status == StatusCodes.Status404NotFound) { return []; }
        string text = System.Text.Encoding.UTF8.GetString(bytes);
        int end = text.LastIndexOf('\n');
        return text[..(end + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static IEnumerable<(string Name, IReadOnlyList<(double, double)> Points)> MetricPoints(IEnumerable<string> lines)
    {
        var points = new Dictionary<string, List<(double, double)>>();
        foreach (var line in lines)
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
    static IEnumerable<Dictionary<string, double>> Lines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
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

    [GeneratedRegex(@"^fakes(\d+|_init)\.png$")]
    private static partial Regex FakesName();

    [GeneratedRegex(@"(\d+)\.(pkl|safetensors)$")]
    private static partial Regex SnapshotKimg();
}
