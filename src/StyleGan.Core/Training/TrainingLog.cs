using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>Per-tick statistics to a JSON-lines file (stats.jsonl) and TensorBoard event files, both in the run folder.</summary>
public sealed class TrainingLog : IDisposable
{
    readonly StreamWriter jsonl;
    readonly SummaryWriter tensorboard;

    /// <param name="folder">The run folder.</param>
    public TrainingLog(string folder)
    {
        jsonl = new StreamWriter(new FileStream(Path.Combine(folder, "stats.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        tensorboard = utils.tensorboard.SummaryWriter(Path.Combine(folder, "tensorboard"));
    }

    /// <summary>Appends one record; <paramref name="kimg"/> is the x axis in TensorBoard (in images, as the official logs).</summary>
    public void Write(double kimg, IReadOnlyDictionary<string, double> stats)
    {
        var record = new Dictionary<string, double> { ["kimg"] = kimg };
        foreach (var (name, value) in stats) record[name] = value;
        jsonl.WriteLine(JsonSerializer.Serialize(record));
        foreach (var (name, value) in stats)
            tensorboard.add_scalar(name, (float)value, (int)Math.Round(kimg * 1000));
    }

    /// <summary>Metric results to TensorBoard as Metrics/RESULT (the metrics keep their own metric-NAME.jsonl).</summary>
    /// <param name="kimg">Where training stands.</param>
    /// <param name="results">Each result by name.</param>
    public void WriteMetrics(double kimg, IEnumerable<KeyValuePair<string, double>> results)
    {
        foreach (var (name, value) in results)
            tensorboard.add_scalar($"Metrics/{name}", (float)value, (int)Math.Round(kimg * 1000));
    }

    public void Dispose() => jsonl.Dispose();
}
