using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StyleGan.Cli;
using StyleGan.Formats;

namespace StyleGan.Tests.Cli;

/// <summary>
/// A checkpoint whose metadata was edited or damaged is refused on --resume in one line naming the file and what is
/// wrong with it (not a flag the user never gave, not an internal error, not an abort inside libtorch), and the run
/// folder is left exactly as it was.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CorruptCheckpointTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("corrupt-checkpoint-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // A tiny run's checkpoint, with one metadata entry edited (null: removed).
    (string Checkpoint, string Data) Edited(string key, Func<JsonNode, JsonNode?> edit)
    {
        var data = CliHarness.TinyDataset(folder);
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", data, "--outdir", runs, "--kimg", "0.004", "--batch", "4", "--mbstd-group", "2",
            "--cbase", "64", "--cmax", "8", "--map", "2", "--zdim", "8", "--snap", "100", "--threads", "1");
        Assert.True(code == 0, error);
        var checkpoint = Directory.GetFiles(runs, "network-snapshot-*.safetensors", SearchOption.AllDirectories).Single();
        Dictionary<string, string> metadata;
        Dictionary<string, TorchSharp.torch.Tensor> tensors;
        using (var file = Safetensors.Load(checkpoint))
        {
            metadata = new Dictionary<string, string>(file.Metadata);
            tensors = file.Tensors.ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        }
        var edited = edit(JsonNode.Parse(metadata[key])!);
        if (edited is null) metadata.Remove(key);
        else metadata[key] = edited.ToJsonString();
        Safetensors.Save(checkpoint, tensors, metadata);
        return (checkpoint, data);
    }

    static JsonNode Set(JsonNode node, string name, JsonNode? value)
    {
        node[name] = value;
        return node;
    }

    static string Hashes(string runFolder) => string.Join("\n", Directory.GetFiles(runFolder, "*", SearchOption.AllDirectories).Order()
        .Select(file => $"{file} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))}"));

    public static TheoryData<string, Func<JsonNode, JsonNode?>, string> Edits => new()
    {
        // The options said z_dim 4 where G has 8: training aborted the process inside libtorch (exit 134).
        { "training_options", options => Set(options, "z_dim", 4), "its training options do not describe its networks (G_config and D_config); the checkpoint is corrupt." },
        // Was "--batch: the minibatch size -1 ...", naming a flag that was never given.
        { "training_options", options => Set(options, "batch", -1), "its training options are corrupt: the minibatch size -1 is outside [1, 4096]." },
        // Was "(The JSON value could not be converted to System.Double. Path: ...)".
        { "training_options", options => Set(options, "learning_rate", "fast"), "the 'training_options' entry has a value of the wrong kind at 'learning_rate'." },
        // Was a NullReferenceException.
        { "counters", _ => null, "has no 'counters' entry: it is incomplete or from another tool." },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void AnEditedCheckpointIsRefusedNamingItAndNothingChanges(string key, Func<JsonNode, JsonNode?> edit, string expected)
    {
        var (checkpoint, data) = Edited(key, edit);
        var runFolder = Path.GetDirectoryName(checkpoint)!;
        var before = Hashes(runFolder);
        var (code, error) = CliHarness.Run("train", "--resume", checkpoint, "--data", data, "--kimg", "0.01", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"stylegan: error: {checkpoint}", error);
        Assert.EndsWith(expected, error.Trim());
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(before, Hashes(runFolder));
    }
}
