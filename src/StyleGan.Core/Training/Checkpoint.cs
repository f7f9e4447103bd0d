using System.Text.Json;
using StyleGan.Augment;
using StyleGan.Configs;
using StyleGan.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>Where a run stands: images seen, minibatches done, and the tick/snapshot bookkeeping.</summary>
public sealed record TrainingCounters(long CurNimg, long BatchIdx, int CurTick, long TickStartNimg, long SnapStartNimg, double WallSeconds);

/// <summary>
/// A training checkpoint: a network file (G, D and G_ema with their configs, see NetworkFile) whose state holds both
/// Adam states, the path-length mean, the augmentation's p and ADA's collected signs, and the random streams, and whose metadata holds the training options, the
/// counters and the dataset. Snapshots are named and pruned as the official tools do.
/// </summary>
public static class Checkpoint
{
    public const string FilePrefix = "network-snapshot-";

    /// <summary>The file name of the snapshot at <paramref name="curNimg"/> images, as the official tools name them.</summary>
    public static string FileName(long curNimg) => $"{FilePrefix}{curNimg / 1000:D6}.safetensors";

    /// <summary>The newest checkpoint in a folder (by images seen, as named), or null.</summary>
    public static string? Newest(string folder) => !Directory.Exists(folder) ? null
        : Directory.GetFiles(folder, FilePrefix + "*.safetensors").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints in a folder (keep 0: delete none).</summary>
    public static void Prune(string folder, int keep)
    {
        if (keep <= 0) return;
        var snapshots = Directory.GetFiles(folder, FilePrefix + "*.safetensors").OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var old in snapshots.Take(snapshots.Count - keep)) File.Delete(old);
    }

    public static void Save(string path, TrainingRunState run)
    {
        var state = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, optimizer) in run.Optimizers)
        {
            var states = AdamState.Of(optimizer);
            for (int i = 0; i < states.Count; i++)
            {
                state.Add(KeyValuePair.Create($"opt.{name}.{i}.exp_avg", states[i].exp_avg));
                state.Add(KeyValuePair.Create($"opt.{name}.{i}.exp_avg_sq", states[i].exp_avg_sq));
                state.Add(KeyValuePair.Create($"opt.{name}.{i}.step", tensor(states[i].step)));
            }
        }
        state.Add(KeyValuePair.Create("loss.pl_mean", run.Loss.PlMean));
        if (run.Augment is not null) state.Add(KeyValuePair.Create("augment.p", run.Augment.state_dict()["p"]));
        if (run.Ada is not null)
        {
            state.Add(KeyValuePair.Create("ada.sign_sum", tensor(run.Ada.SignSum)));
            state.Add(KeyValuePair.Create("ada.sign_count", tensor(run.Ada.SignCount)));
        }
        foreach (var (name, random) in run.RandomStreams) state.Add(KeyValuePair.Create($"rng.{name}", random.get_state()));

        NetworkFile.Write(path, NetworkFile.CheckpointFormat, run.G, run.D, run.GEma, state, new Dictionary<string, string>
        {
            ["training_options"] = JsonSerializer.Serialize(run.Options, NetworkJson.Options),
            ["counters"] = JsonSerializer.Serialize(run.Counters, NetworkJson.Options),
            ["dataset"] = run.DatasetPath,
        });
    }

    /// <summary>How far the run of a checkpoint had come, or null for a network file that is no checkpoint.</summary>
    public static TrainingCounters? Counters(NetworkSet networks, string path) => networks.Metadata.ContainsKey("counters")
        ? NetworkFile.Entry<TrainingCounters>(networks.Metadata, "counters", path) : null;

    /// <summary>Where a checkpoint's training stood, read from its header alone.</summary>
    public static TrainingCounters SavedCounters(string path) =>
        NetworkFile.Entry<TrainingCounters>(RequireCheckpoint(NetworkFile.ReadMetadata(path), path), "counters", path);

    /// <summary>The dataset a checkpoint was trained on, read from its header alone.</summary>
    public static string DatasetPath(string path) => NetworkFile.Entry(RequireCheckpoint(NetworkFile.ReadMetadata(path), path), "dataset", path);

    /// <summary>Whether a file is a training checkpoint of this tool (read from its header; other files are not).</summary>
    public static bool IsCheckpoint(string path) => NetworkFile.IsSafetensors(path) && IsCheckpointFormat(NetworkFile.ReadMetadata(path));

    /// <summary>
    /// The augmentation a network was trained with, with its last p, for a run that starts from it: an NVIDIA
    /// pickle's augment_pipe, or a checkpoint's pipeline and p; null where it had none.
    /// </summary>
    public static (AugmentConfig Config, double P)? Augmentation(NetworkSet networks, string path)
    {
        if (networks.Augment is { } pipe) return (pipe.Config, pipe.P);
        if (!IsCheckpointFormat(networks.Metadata) || !networks.State.TryGetValue("augment.p", out var p)) return null;
        return (NetworkFile.Entry<TrainingOptions>(networks.Metadata, "training_options", path).AugmentPipe, p.item<float>());
    }

    static bool IsCheckpointFormat(IReadOnlyDictionary<string, string> metadata) => metadata.GetValueOrDefault("format") == NetworkFile.CheckpointFormat;

    internal static IReadOnlyDictionary<string, string> RequireCheckpoint(IReadOnlyDictionary<string, string> metadata, string path) =>
        IsCheckpointFormat(metadata) ? metadata
            : throw new InvalidDataException($"{path} is a network but not a training checkpoint: it holds no training state to resume. " +
                "Train a new run from its weights, or resume from a network-snapshot-*.safetensors of a run.");

    /// <summary>Moves a checkpoint's optimizer, loss and random states into a run built from its networks and options.</summary>
    internal static void RestoreState(NetworkSet networks, TrainingRunState run, string path)
    {
        Tensor State(string name) => networks.State.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"{path} has no '{name}' tensor: the checkpoint is incomplete or from another version.");
        using (no_grad())
        {
            foreach (var (name, optimizer) in run.Optimizers)
            {
                var states = AdamState.Of(optimizer);
                for (int i = 0; i < states.Count; i++)
                {
                    states[i].exp_avg.copy_(State($"opt.{name}.{i}.exp_avg"));
                    states[i].exp_avg_sq.copy_(State($"opt.{name}.{i}.exp_avg_sq"));
                    states[i].step = State($"opt.{name}.{i}.step").item<long>();
                }
            }
            run.Loss.PlMean.copy_(State("loss.pl_mean"));
            if (run.Augment is not null) run.Augment.P = State("augment.p").item<float>();
        }
        if (run.Ada is not null)
        {
            run.Ada.SignSum = State("ada.sign_sum").item<double>();
            run.Ada.SignCount = State("ada.sign_count").item<long>();
        }
        foreach (var (name, random) in run.RandomStreams) random.set_state(State($"rng.{name}"));
    }
}
