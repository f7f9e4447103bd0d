using System.Text.Json;
using StyleGan.Data;
using StyleGan.Training;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>A rung's result: its checkpoint, where its training stood, and its metric values.</summary>
/// <param name="Rung">The configuration and seed.</param>
/// <param name="Checkpoint">The checkpoint scored.</param>
/// <param name="Kimg">Thousand real images it was trained on.</param>
/// <param name="WallSeconds">Its training's wall time.</param>
/// <param name="Results">Metric results by NVIDIA's result names.</param>
public sealed record LadderResult(LadderRung Rung, string Checkpoint, double Kimg, double WallSeconds, IReadOnlyDictionary<string, double> Results);

/// <summary>
/// Scores a rung's checkpoint with a list of metrics, logging them to the rung's metric-NAME.jsonl as training does;
/// a result already logged there for this checkpoint, with the same image count and features, is read back rather
/// than computed again, so a resumed ladder scores only what is new.
/// </summary>
public static class LadderScore
{
    /// <param name="rung">The rung.</param>
    /// <param name="checkpoint">Its newest checkpoint.</param>
    /// <param name="data">The real images.</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="networks">Their feature networks.</param>
    /// <param name="device">Where the generator runs.</param>
    /// <param name="progress">Told how far each stage is.</param>
    public static LadderResult Evaluate(LadderRung rung, string checkpoint, ImageDataset data, IReadOnlyList<MetricDefinition> metrics, FeatureNetworks networks,
        Device device, Action<MetricProgress>? progress = null)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, snapshot = Path.GetFileName(checkpoint);
        using var loaded = NetworkFile.Load(checkpoint, NetworkParts.Sampler);
        var counters = Checkpoint.Counters(loaded, checkpoint) ?? throw new InvalidDataException($"{checkpoint} is not a training checkpoint.");
        var results = new Dictionary<string, double>();
        var missing = new List<MetricDefinition>();
        foreach (var metric in metrics)
        {
            if (Logged(MetricLog.RunFile(folder, metric.Name), snapshot, metric, MetricSuite.FeaturesLabel(metric, networks)) is { } logged)
                foreach (var (name, value) in logged) results[name] = value;
            else missing.Add(metric);
        }
        if (missing.Count > 0)
        {
            var reports = MetricSuite.Evaluate(loaded.Sampler, data, missing, networks, device: device, progress: progress);
            foreach (var report in reports)
            {
                MetricLog.AppendToRun(folder, report, snapshot, counters.CurNimg / 1000.0);
                foreach (var (name, value) in report.Results) results[name] = value;
            }
        }
        return new LadderResult(rung, checkpoint, counters.CurNimg / 1000.0, counters.WallSeconds,
            metrics.SelectMany(m => m.ResultNames).ToDictionary(name => name, name => results[name]));
    }

    // The newest logged line for this snapshot and protocol; null when there is none (or the log cannot be read as one).
    static Dictionary<string, double>? Logged(string file, string snapshot, MetricDefinition metric, string features)
    {
        if (!File.Exists(file)) return null;
        Dictionary<string, double>? found = null;
        foreach (var line in File.ReadLines(file))
        {
            try
            {
                var row = JsonDocument.Parse(line).RootElement;
                if (row.GetProperty("snapshot_pkl").GetString() != snapshot || row.GetProperty("num_gen").GetInt32() != metric.GeneratedCount
                    || row.GetProperty("features").GetString() != features) continue;
                var values = row.GetProperty("results").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
                if (metric.ResultNames.All(values.ContainsKey)) found = values;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A line cut off by a killed process, or written by another tool: it is scored again.
            }
        }
        return found;
    }
}
