using StyleGan.Data;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>One rung of a ladder: a preset trained with one seed, in a run folder of its own.</summary>
/// <param name="Config">The preset (see <see cref="Presets"/>).</param>
/// <param name="Seed">The training seed.</param>
public sealed record LadderRung(string Config, int Seed)
{
    /// <summary>The run folder's name under the ladder's folder.</summary>
    public string FolderName => $"{Config}-seed{Seed}";
}

/// <summary>
/// The paper's way of showing what each step buys: several configurations trained for the same budget on the same
/// data, each in its own run folder under one ladder folder. A rung already there is resumed (exactly, as any run)
/// up to the budget, and one already at it is left as it is, so a ladder stopped at any point goes on where it was.
/// </summary>
public static class Ladder
{
    /// <summary>Refuses an unknown preset or a seed list that is empty, before anything is trained.</summary>
    /// <param name="configs">Preset names.</param>
    /// <param name="seeds">Training seeds.</param>
    public static IReadOnlyList<LadderRung> Rungs(IReadOnlyList<string> configs, IReadOnlyList<int> seeds)
    {
        if (configs.Count == 0) throw new InvalidValueException("Configs", "no configuration named; give at least one, e.g. " + string.Join(",", Presets.ArchitectureTable.Take(3)) + ".");
        if (seeds.Count == 0) throw new InvalidValueException("Seeds", "no seed given.");
        foreach (var config in configs)
            if (!Presets.Names.Contains(config))
                throw new InvalidValueException("Configs", $"unknown configuration '{config}'; choose among: {string.Join(", ", Presets.Names)}.");
        return configs.Distinct().SelectMany(config => seeds.Distinct().Select(seed => new LadderRung(config, seed))).ToList();
    }

    /// <summary>Trains (or resumes) a rung up to the budget; the newest checkpoint of its folder, and whether it finished.</summary>
    /// <param name="rung">The configuration and seed.</param>
    /// <param name="data">The training images.</param>
    /// <param name="folder">The ladder's folder; the rung trains in <see cref="LadderRung.FolderName"/> under it.</param>
    /// <param name="kimg">The budget in thousand real images, equal for every rung.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="report">Called after every minibatch.</param>
    /// <param name="cancel">Stops after the current minibatch, with a checkpoint that a later call resumes.</param>
    public static (string Checkpoint, TrainingOutcome Outcome) Train(LadderRung rung, ImageDataset data, string folder, double kimg, Device device,
        Action<TrainingProgress>? report, CancellationToken cancel)
    {
        string runFolder = Path.Combine(folder, rung.FolderName);
        string? newest = Directory.Exists(runFolder) ? Checkpoint.Newest(runFolder) : null;
        // Decided from the header: a rung at its budget is not resumed (networks, optimizers) only to be left alone.
        if (newest is not null && Checkpoint.SavedCounters(newest).CurNimg >= (long)(kimg * 1000)) return (newest, TrainingOutcome.Finished);
        var request = new TrainingRequest(rung.Config, new TrainingOverrides { TotalKimg = kimg, Seed = rung.Seed }, Resume: newest);
        using var run = newest is null ? request.NewRun(data, device).Run : request.ContinueRun(data, device);
        var outcome = new TrainingLoop(run, data, runFolder, device, report).Run(cancel);
        return (Checkpoint.Newest(runFolder)!, outcome);
    }
}
