using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>
/// What a user asks to train: a new run of a preset, the run of a checkpoint continued, or a new run from another
/// network's weights (transfer learning), with overrides. The command line, the ladder and a library user share it:
/// <code>
/// var request = new TrainingRequest("cpu-tiny", new TrainingOverrides { TotalKimg = 10 });
/// using var data = ImageDataset.Open("digits.zip");
/// using var run = request.NewRun(data, CPU).Run;
/// new TrainingLoop(run, data, "runs/digits", CPU).Run(CancellationToken.None);
/// </code>
/// </summary>
/// <param name="Cfg">The preset of a new run (<see cref="Presets.Names"/>).</param>
/// <param name="Overrides">The options given instead of the preset's; a resumed run takes only their schedule.</param>
/// <param name="Resume">A checkpoint to continue, or a network to start from; null: a new run from scratch.</param>
/// <param name="Transfer">Start a new run from <paramref name="Resume"/>'s weights even when it is a training checkpoint.</param>
public sealed record TrainingRequest(string Cfg, TrainingOverrides Overrides, string? Resume = null, bool Transfer = false)
{
    /// <summary>Whether the request starts a new run (from scratch, or from <see cref="Resume"/>'s weights) rather than continuing one.</summary>
    public bool StartsNewRun
    {
        get
        {
            if (Transfer && Resume is null)
                throw new InvalidValueException(nameof(Transfer), "`Transfer` needs `Resume` NETWORK: the network whose weights the new run starts from.");
            return Resume is null || Transfer || !Checkpoint.IsCheckpoint(Resume);
        }
    }

    /// <summary>A new run on <paramref name="data"/>: from scratch, or from <see cref="Resume"/>'s weights, with notes on what the transfer kept.</summary>
    /// <param name="data">The training images, which set the networks' resolution, channels and labels.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="ranks">The processes that train the run together; null: this one alone.</param>
    public (TrainingRunState Run, IReadOnlyList<string> Notes) NewRun(ImageDataset data, Device device, ICollective? ranks = null)
    {
        if (!StartsNewRun) throw new InvalidOperationException($"{Resume} is a training checkpoint: continue it with ContinueRun, or ask for a Transfer.");
        using var source = Resume is null ? null : NetworkFile.Load(Resume);
        var options = Overrides.ApplyTo(Presets.Get(Cfg, data.Resolution), source is null ? null : Resume, source);
        return source is null
            ? (new TrainingRunState(options, data.Resolution, data.Channels, data.LabelDim, Path.GetFullPath(data.Path), device, ranks), [])
            : TrainingRunState.Transfer(options, source, Resume!, data.Resolution, data.Channels, data.LabelDim, Path.GetFullPath(data.Path), device, ranks);
    }

    /// <summary>The run of the <see cref="Resume"/> checkpoint, exactly as it stopped, with only the overrides' schedule changed.</summary>
    /// <param name="data">The training images (the checkpoint's dataset, <see cref="Checkpoint.DatasetPath"/>, unless moved).</param>
    /// <param name="device">Where to train.</param>
    /// <param name="ranks">The processes that continue the run together (any number: the checkpoint is the same file); null: this one alone.</param>
    public TrainingRunState ContinueRun(ImageDataset data, Device device, ICollective? ranks = null)
    {
        if (StartsNewRun) throw new InvalidOperationException("Only a training checkpoint, resumed without Transfer, continues.");
        return TrainingRunState.Resume(Resume!, data, device, Overrides.Schedule, ranks);
    }
}
