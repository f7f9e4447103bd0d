using System.CommandLine;
using Spectre.Console;
using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Files;
using StyleGan.Metrics;
using StyleGan.Serialization;
using StyleGan.Training;

namespace StyleGan.Cli.Commands;

/// <summary>
/// <c>stylegan train</c>: train on a folder or zip of images, resumable, with live progress. Started by mpirun as
/// several processes, they train the run together (data parallel); rank 0 makes the run folder and prints.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataOption = new Option<string?>("--data") { Description = "Dataset folder or zip (default: the bundled MNIST digits, data/mnist32.zip)" };
        var outdir = new Option<string>("--outdir") { Description = "Parent folder of the runs; each new run gets a numbered sub-folder", DefaultValueFactory = _ => "runs" };
        var cfg = new Option<string>("--cfg") { Description = $"Preset: {string.Join(", ", Presets.Names)}", DefaultValueFactory = _ => "cpu-tiny" }.Sets(nameof(TrainingOptions.Cfg));
        var resume = new Option<string?>("--resume") { Description = "'auto' (newest checkpoint under --outdir) or a checkpoint file: that run continues exactly, in its folder. " +
            "Any other network (an NVIDIA .pkl, a converted or exported network): a new run starts from its weights (transfer learning)" }.Sets(nameof(TrainingRequest.Resume));
        var transfer = new Option<bool>("--transfer") { Description = "Start a new run from the weights of --resume even when it is a training checkpoint (of another run, on other data)" }.Sets(nameof(TrainingRequest.Transfer));
        var kimg = new Option<double?>("--kimg") { Description = "Train until this many thousand real images have been shown" }.Sets(nameof(TrainingOptions.TotalKimg));
        var batch = new Option<int?>("--batch") { Description = "Minibatch size (at every resolution, for a growing preset too)" }.Sets(nameof(TrainingOptions.Batch));
        var snap = new Option<double?>("--snap") { Description = "Checkpoint and sample grid every this many kimg" }.Sets(nameof(TrainingOptions.SnapKimg));
        var tick = new Option<double?>("--tick") { Description = "Progress line and log record every this many kimg" }.Sets(nameof(TrainingOptions.TickKimg));
        var keep = new Option<int?>("--keep") { Description = "Keep the newest this many checkpoints (0: all)" }.Sets(nameof(TrainingOptions.KeepSnapshots));
        var seed = new Option<int?>("--seed") { Description = "Random seed (weights, data order, latents, noise)" }.Sets(nameof(TrainingOptions.Seed));
        var gamma = new Option<double?>("--gamma") { Description = "R1 regularization weight" }.Sets(nameof(TrainingOptions.Gamma));
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate" }.Sets(nameof(TrainingOptions.LearningRate));
        var ema = new Option<double?>("--ema") { Description = "G_ema half-life in kimg" }.Sets(nameof(TrainingOptions.EmaKimg));
        var plWeight = new Option<double?>("--pl-weight") { Description = "Path length regularization weight (0: off)" }.Sets(nameof(TrainingOptions.PlWeight));
        var mixing = new Option<double?>("--style-mixing") { Description = "Style mixing probability" }.Sets(nameof(TrainingOptions.StyleMixing));
        var map = new Option<int?>("--map") { Description = "Mapping network layers" }.Sets(nameof(TrainingOptions.MappingLayers));
        var zdim = new Option<int?>("--zdim") { Description = "Latent size z and w" }.Sets(nameof(TrainingOptions.ZDim));
        var cbase = new Option<int?>("--cbase") { Description = "Channel base: channels(res) = min(cbase / res, cmax)" }.Sets(nameof(TrainingOptions.ChannelBase));
        var cmax = new Option<int?>("--cmax") { Description = "Maximum channels" }.Sets(nameof(TrainingOptions.ChannelMax));
        var mbstd = new Option<int?>("--mbstd-group") { Description = "Minibatch stddev group size" }.Sets(nameof(TrainingOptions.MbstdGroup));
        var lodKimg = new Option<double?>("--lod-kimg") { Description = "Progressive growing (sg1-* presets): kimg each resolution trains alone before the next fades in (NVIDIA's lod_training_kimg)" }.Sets("Growth.TrainingKimg");
        var fadeKimg = new Option<double?>("--fade-kimg") { Description = "Progressive growing (sg1-* presets): kimg each fade-in lasts (NVIDIA's lod_transition_kimg)" }.Sets("Growth.TransitionKimg");
        var mirror = new Option<bool?>("--mirror") { Description = "Random x-flips of the real images" }.Sets(nameof(TrainingOptions.Mirror));
        var cond = new Option<bool?>("--cond") { Description = "Condition on the dataset's labels when it has them (default true)" }.Sets(nameof(TrainingOptions.Conditional));
        var aug = new Option<string?>("--aug") { Description = "Augmentation of D's inputs: ada (adaptive p, the default for new runs), fixed (needs --p) or noaug" }.Sets(nameof(TrainingOptions.Augment));
        var augP = new Option<double?>("--p") { Description = "Augmentation probability of --aug fixed" }.Sets(nameof(TrainingOptions.AugmentP));
        var target = new Option<double?>("--target") { Description = "ADA's target for r_t = E[sign(D(real))] (default 0.6)" }.Sets(nameof(TrainingOptions.AdaTarget));
        var adaKimg = new Option<double?>("--ada-kimg") { Description = "ADA's speed: p may change by 1 over this many kimg (default 500, 100 when starting from a network)" }.Sets(nameof(TrainingOptions.AdaKimg));
        var augpipe = new Option<string?>("--augpipe") { Description = $"Augmentation pipeline: {string.Join(", ", AugmentPresets.Names)} (default {AugmentPresets.Default})" }.Sets(nameof(TrainingOptions.AugmentPipe));
        var freezed = new Option<int?>("--freezed") { Description = "Freeze-D: keep the weights of D's first N layers (transfer learning)" }.Sets(nameof(TrainingOptions.FreezeD));
        var skipBad = new Option<bool>("--skip-bad") { Description = "Skip unreadable images and images of a minority size, and count them" }.Sets("SkipBad");
        var metricOptions = new MetricOptions(null);
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();

        var command = new Command("train", "Train a generator (StyleGAN2, or the 2019 family with the sg1-* presets); Ctrl-C saves a checkpoint that --resume continues exactly.")
        {
            dataOption, outdir, cfg, resume, transfer, kimg, batch, snap, tick, keep, seed, gamma, lr, ema, plWeight, mixing, map, zdim, cbase, cmax,
            mbstd, lodKimg, fadeKimg, mirror, cond, aug, augP, target, adaKimg, augpipe, freezed, skipBad, threads, device,
        };
        metricOptions.AddTo(command);

        // The command line as the library's request: each flag given overrides the preset's value.
        TrainingRequest Request(ParseResult parse, string? checkpoint) => new(parse.GetValue(cfg)!, new TrainingOverrides
        {
            TotalKimg = parse.GetValue(kimg), Batch = parse.GetValue(batch), SnapKimg = parse.GetValue(snap), TickKimg = parse.GetValue(tick),
            KeepSnapshots = parse.GetValue(keep), Seed = parse.GetValue(seed), Gamma = parse.GetValue(gamma), LearningRate = parse.GetValue(lr),
            EmaKimg = parse.GetValue(ema), PlWeight = parse.GetValue(plWeight), StyleMixing = parse.GetValue(mixing), MappingLayers = parse.GetValue(map),
            ZDim = parse.GetValue(zdim), ChannelBase = parse.GetValue(cbase), ChannelMax = parse.GetValue(cmax), MbstdGroup = parse.GetValue(mbstd),
            GrowthTrainingKimg = parse.GetValue(lodKimg), GrowthTransitionKimg = parse.GetValue(fadeKimg), Mirror = parse.GetValue(mirror),
            Conditional = parse.GetValue(cond),
            Augment = parse.GetValue(aug) switch
            {
                null => null,
                "ada" => AugmentMode.Ada,
                "fixed" => AugmentMode.Fixed,
                "noaug" => AugmentMode.Noaug,
                var other => throw new UsageException($"Unknown --aug '{other}': use ada, fixed or noaug."),
            },
            AugmentP = parse.GetValue(augP), AdaTarget = parse.GetValue(target), AdaKimg = parse.GetValue(adaKimg), AugmentPipe = parse.GetValue(augpipe),
            FreezeD = parse.GetValue(freezed),
        }, checkpoint, parse.GetValue(transfer));

        command.SetAction(parse => RankedRun.Run(parse, ranks =>
        {
            bool writes = ranks.Rank == 0;
            var metrics = metricOptions.Chosen(parse);
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            // Read before a run folder is made, so that a missing weights file stops the run now and leaves nothing
            // behind, rather than at its first snapshot. Every rank generates its share of the snapshots' images.
            using var networks = metrics.Count > 0 ? new FeatureNetworks(metrics, metricOptions.Files(parse), dev) : null;
            string parent = parse.GetValue(outdir)!;
            string? resumeFrom = parse.GetValue(resume);
            string? checkpoint = resumeFrom switch
            {
                null => null,
                "auto" => RunFolders.NewestCheckpoint(parent)
                    ?? throw new FileNotFoundException($"--resume auto found no checkpoint under {parent}; start a new run without --resume, or name a checkpoint file."),
                _ => resumeFrom,
            };

            var request = Request(parse, checkpoint);
            TrainingRunState run;
            ImageDataset data;
            string runFolder;
            if (request.StartsNewRun)
            {
                if (writes) new OutputRule("--outdir", force: false).Folder(parent); // before the data is read, which can take minutes
                data = ImageDataset.Open(parse.GetValue(dataOption) ?? BundledData.Mnist, parse.GetValue(skipBad));
                (run, var notes) = request.NewRun(data, dev, ranks);
                if (writes) foreach (var note in notes) Console.Error.WriteLine($"stylegan: note: {note}");
                // Only now, with the run built, so that a start that fails leaves no empty run folder behind. Only rank
                // 0 writes in it; the others are told nothing but the parent.
                runFolder = writes ? RunFolders.CreateNext(parent, $"{Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(data.Path))}-{run.Options.Cfg}") : parent;
                if (writes)
                    AnsiConsole.MarkupLine($"New run in [bold]{Markup.Escape(runFolder)}[/]: {data.Count} images {data.Resolution}x{data.Resolution}x{data.Channels}, cfg {run.Options.Cfg}, " +
                        $"{run.Options.TotalKimg} kimg, augmentation {Describe(run.Options)}{(checkpoint is null ? "" : $", from the weights of {Markup.Escape(checkpoint)}")}{OnRanks(ranks)}.");
            }
            else
            {
                // A run continues in its own folder, beside the checkpoint, wherever --outdir points.
                runFolder = Path.GetDirectoryName(Path.GetFullPath(checkpoint!))!;
                if (writes) new OutputRule("--resume", force: false).Folder(runFolder);
                if (writes && parse.GetResult(outdir) is { Implicit: false } && !PathIdentity.Contains(parent, runFolder))
                    AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(checkpoint!)} is not under --outdir {Markup.Escape(parent)}: the run continues in its own folder, {Markup.Escape(runFolder)}.");
                data = ImageDataset.Open(parse.GetValue(dataOption) ?? Checkpoint.DatasetPath(checkpoint!), parse.GetValue(skipBad));
                run = request.ContinueRun(data, dev, ranks);
                var flags = SettingFlags.Of(parse.RootCommandResult.Command);
                var ignored = (parse.GetResult(cfg) is { Implicit: false } ? ["--cfg"] : Array.Empty<string>())
                    .Concat(request.Overrides.IgnoredOnResume.Select(setting => flags[setting])).ToList();
                if (ignored.Count > 0 && writes)
                    Console.Error.WriteLine($"stylegan: note: a resumed run keeps the options it was trained with; ignored: {string.Join(", ", ignored)} " +
                        "(only --kimg, --snap, --tick and --keep change on resume).");
                if (writes) AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(checkpoint!)}[/] at kimg {run.Counters.CurNimg / 1000.0:F1} of {run.Options.TotalKimg}{OnRanks(ranks)}.");
            }
            if (writes) SkippedFiles.Print(data.Skipped);

            using (data)
            using (run)
            {
                using var stop = new GracefulStop(announce: writes);
                TrainingOutcome Train(Action<TrainingProgress>? report) => new TrainingLoop(run, data, runFolder, dev, report,
                    networks is null ? null : SnapshotMetrics.Logged(generator => MetricSuite.Evaluate(generator, data, metrics, networks, device: dev, share: run.Share))).Run(stop.Token);
                var outcome = writes ? TrainingProgressView.Run(run.Options.TotalKimg, run.Counters.CurNimg / 1000.0, Train) : Train(null);
                if (!writes) return 0;
                if (outcome == TrainingOutcome.Finished)
                {
                    AnsiConsole.MarkupLine($"Done: {Markup.Escape(runFolder)}");
                    return 0;
                }
                // The loop wrote this checkpoint on stopping; the line resumes exactly it, with what reading the data needed.
                string written = Path.GetFullPath(Path.Combine(runFolder, Checkpoint.FileName(run.Counters.CurNimg)));
                string[] again = [.. ranks.Size > 1 ? ["mpirun", "-np", ranks.Size.ToString()] : Array.Empty<string>(), "stylegan", "train", "--resume", written,
                    .. parse.GetValue(dataOption) is string dataPath ? ["--data", Path.GetFullPath(dataPath)] : Array.Empty<string>(),
                    .. parse.GetValue(skipBad) ? ["--skip-bad"] : Array.Empty<string>(),
                    .. ValueOf(parse, metricOptions.Metrics, path: false), .. ValueOf(parse, metricOptions.Inception), .. ValueOf(parse, metricOptions.Vgg),
                    .. ValueOf(parse, metricOptions.Clip), .. ValueOf(parse, metricOptions.Classifier),
                    .. parse.GetResult(device) is { Implicit: false } ? ["--device", parse.GetValue(device)!] : Array.Empty<string>()];
                // Plain, never wrapped at the console's width: the command must paste as one line.
                Console.WriteLine($"Interrupted at kimg {run.Counters.CurNimg / 1000.0:F1}; continue with: {ShellWord.Join(again)}");
                return 0;
            }
        }));
        return command;
    }

    static string OnRanks(ICollective ranks) => ranks.Size == 1 ? "" : $", on {ranks.Size} processes ({ranks.Size} shares of each minibatch)";

    static string Describe(TrainingOptions options) => options.Augment switch
    {
        AugmentMode.Ada => $"ada (target {options.AdaTarget:G3}, p from {options.AugmentP:G3})",
        AugmentMode.Fixed => $"fixed (p {options.AugmentP:G3})",
        _ => "none",
    };

    // A metric option as the resume line repeats it: metrics are not training options, so a checkpoint does not keep them.
    static string[] ValueOf(ParseResult parse, Option<string?> option, bool path = true) =>
        parse.GetValue(option) is string value ? [option.Name, path ? Path.GetFullPath(value) : value] : [];
}
