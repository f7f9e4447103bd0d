using System.Text.Json;
using StyleGan.Networks;
using StyleGan.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>Where a run stands: images seen, minibatches done, and the tick/snapshot bookkeeping.</summary>
public sealed record TrainingCounters(long CurNimg, long BatchIdx, int CurTick, long TickStartNimg, long SnapStartNimg, double WallSeconds);

/// <summary>
/// A training checkpoint in one safetensors file: G, D and G_ema under their official names with the prefixes
/// "G.", "D.", "G_ema."; both Adam states; the path-length mean; the random streams; and in the metadata the network
/// configs, the training options, the counters and the dataset. Written atomically with a checksum.
/// </summary>
public static class Checkpoint
{
    public const string Format = "stylegan-dotnet-checkpoint/1";
    public const string FilePrefix = "network-snapshot-";

    static readonly JsonSerializerOptions Json = NetworkJson.Options;

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
        var tensors = new List<KeyValuePair<string, Tensor>>();
        void AddModule(string prefix, nn.Module module) =>
            tensors.AddRange(module.state_dict().Select(kv => KeyValuePair.Create($"{prefix}.{kv.Key}", kv.Value)));
        AddModule("G", run.G);
        AddModule("D", run.D);
        AddModule("G_ema", run.GEma);
        foreach (var (name, optimizer) in run.Optimizers)
        {
            var states = AdamStates(optimizer);
            for (int i = 0; i < states.Count; i++)
            {
                tensors.Add(KeyValuePair.Create($"opt.{name}.{i}.exp_avg", states[i].exp_avg));
                tensors.Add(KeyValuePair.Create($"opt.{name}.{i}.exp_avg_sq", states[i].exp_avg_sq));
                tensors.Add(KeyValuePair.Create($"opt.{name}.{i}.step", tensor(states[i].step)));
            }
        }
        tensors.Add(KeyValuePair.Create("loss.pl_mean", run.Loss.PlMean));
        foreach (var (name, random) in run.RandomStreams) tensors.Add(KeyValuePair.Create($"rng.{name}", random.get_state()));

        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["G_config"] = run.G.Config.ToJson(),
            ["D_config"] = run.D.Config.ToJson(),
            ["training_options"] = JsonSerializer.Serialize(run.Options, Json),
            ["counters"] = JsonSerializer.Serialize(run.Counters, Json),
            ["dataset"] = run.DatasetPath,
        };
        Safetensors.Save(path, tensors, metadata);
    }

    /// <summary>Opens a checkpoint and checks that it is one of ours, with a message naming the file otherwise.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {path} does not exist.", path);
        var file = Safetensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            file.Dispose();
            throw new InvalidDataException($"{path} is not a training checkpoint of this tool (format '{format ?? "none"}', expected '{Format}').");
        }
        return file;
    }

    public static TrainingOptions Options(SafetensorsFile file) => Parse<TrainingOptions>(file, "training_options");
    public static TrainingCounters Counters(SafetensorsFile file) => Parse<TrainingCounters>(file, "counters");
    public static GeneratorConfig GeneratorConfig(SafetensorsFile file) => Networks.GeneratorConfig.FromJson(Metadata(file, "G_config"));
    public static DiscriminatorConfig DiscriminatorConfig(SafetensorsFile file) => Networks.DiscriminatorConfig.FromJson(Metadata(file, "D_config"));
    public static string DatasetPath(SafetensorsFile file) => Metadata(file, "dataset");

    /// <summary>Restores everything <see cref="Save"/> wrote into a run built from the same configs.</summary>
    public static void Restore(SafetensorsFile file, TrainingRunState run)
    {
        StateDict.Load(run.G, file.Tensors, "G.");
        StateDict.Load(run.D, file.Tensors, "D.");
        StateDict.Load(run.GEma, file.Tensors, "G_ema.");
        using (no_grad())
        {
            foreach (var (name, optimizer) in run.Optimizers)
            {
                var states = AdamStates(optimizer);
                for (int i = 0; i < states.Count; i++)
                {
                    states[i].exp_avg.copy_(file[$"opt.{name}.{i}.exp_avg"]);
                    states[i].exp_avg_sq.copy_(file[$"opt.{name}.{i}.exp_avg_sq"]);
                    states[i].step = file[$"opt.{name}.{i}.step"].item<long>();
                }
            }
            run.Loss.PlMean.copy_(file["loss.pl_mean"]);
        }
        foreach (var (name, random) in run.RandomStreams) random.set_state(file[$"rng.{name}"]);
    }

    // TorchSharp keeps Adam's per-parameter state objects live in state_dict(): writing into them restores the optimizer.
    static List<Adam.State> AdamStates(optim.Optimizer optimizer) =>
        ((OptimizerHelper)optimizer).state_dict().State.Cast<Adam.State>().ToList();

    static string Metadata(SafetensorsFile file, string key) => file.Metadata.TryGetValue(key, out var value) ? value
        : throw new InvalidDataException($"The checkpoint has no '{key}' entry: it is incomplete or from another tool.");

    static T Parse<T>(SafetensorsFile file, string key)
    {
        try { return JsonSerializer.Deserialize<T>(Metadata(file, key), Json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new InvalidDataException($"The checkpoint's '{key}' entry is not valid: {e.Message}", e); }
    }
}
