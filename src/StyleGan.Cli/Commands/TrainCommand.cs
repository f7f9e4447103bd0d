using System.CommandLine;
using Spectre.Console;
using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Metrics;
using StyleGan.Serialization;
using StyleGan.Training;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan train</c>: train on a folder or zip of images, resumable, with live progress.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataOption = new Option<string?>("--data") { Description = "Dataset folder or zip (default: the bundled MNIST digits, data/mnist32.zip)" };
        var outdir = new Option<string>("--outdir") { Description = "Parent folder of the runs; each new run gets a numbered sub-folder", DefaultValueFactory = _ => "runs" };
        var cfg = new Option<string>("--cfg") { Description = $"Preset: {string.Join(", ", Presets.Names)}", DefaultValueFactory = _ => "cpu-tiny" }.Sets(nameof(TrainingOptions.Cfg));
        var resume = new Option<string?>("--resume") { Description = "'auto' (newest checkpoint under --outdir) or a checkpoint file: that run continues exactly, in its folder. " +
            "Any other network (an NVIDIA .pkl, a converted or exported network): a new run starts from its weights (transfer learning)" };
        var transfer = new Option<bool>("--transfer") { Description = "Start a new run from the weights of --resume even when it is a training checkpoint (of another run, on other data)" };
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

        // A new run's options: the preset's, with what the command line gives instead; the augmentation as train.py
        // checks it. Starting from a network (transfer learning), as train.py's --resume: the network's pipeline and p
        // unless given, ADA reacting faster (ada_kimg 100) and no G_ema ramp-up.
        TrainingOptions NewRunOptions(ParseResult parse, TrainingOptions preset, string? sourcePath, NetworkSet? source)
        {
            var mode = parse.GetValue(aug) switch
            {
                null => preset.Augment,
                "ada" => AugmentMode.Ada,
                "fixed" => AugmentMode.Fixed,
                "noaug" => AugmentMode.Noaug,
                var other => throw new UsageException($"Unknown --aug '{other}': use ada, fixed or noaug."),
            };
            double? p = parse.GetValue(augP);
            if (mode == AugmentMode.Fixed && p is null) throw new UsageException("--aug fixed needs --p, the probability (0 to 1).");
            if (p is not null && mode != AugmentMode.Fixed) throw new UsageException("--p is the probability of --aug fixed; ADA (--aug ada) sets its own.");
            if (parse.GetValue(target) is not null && mode != AugmentMode.Ada) throw new UsageException("--target is ADA's; it needs --aug ada.");
            if (parse.GetValue(adaKimg) is not null && mode != AugmentMode.Ada) throw new UsageException("--ada-kimg is ADA's; it needs --aug ada.");
            string? pipe = parse.GetValue(augpipe);
            if (pipe is not null && mode == AugmentMode.Noaug) throw new UsageException("--augpipe names the pipeline of --aug ada or fixed, not of noaug.");
            var fromSource = mode == AugmentMode.Noaug || source is null ? null : Checkpoint.Augmentation(source, sourcePath!);

            if (preset.Growth is null && (parse.GetValue(lodKimg) is not null || parse.GetValue(fadeKimg) is not null))
                throw new UsageException($"--lod-kimg and --fade-kimg set progressive growing, which the {preset.Cfg} preset does not use; use an sg1-* preset.");
            int? batchGiven = parse.GetValue(batch);
            double? lrGiven = parse.GetValue(lr);
            return (preset with
            {
                TotalKimg = parse.GetValue(kimg) ?? preset.TotalKimg,
                Batch = batchGiven ?? preset.Batch,
                SnapKimg = parse.GetValue(snap) ?? preset.SnapKimg,
                TickKimg = parse.GetValue(tick) ?? preset.TickKimg,
                KeepSnapshots = parse.GetValue(keep) ?? preset.KeepSnapshots,
                Seed = parse.GetValue(seed) ?? preset.Seed,
                Gamma = parse.GetValue(gamma) ?? preset.Gamma,
                LearningRate = lrGiven ?? preset.LearningRate,
                EmaKimg = parse.GetValue(ema) ?? preset.EmaKimg,
                PlWeight = parse.GetValue(plWeight) ?? preset.PlWeight,
                StyleMixing = parse.GetValue(mixing) ?? preset.StyleMixing,
                MappingLayers = parse.GetValue(map) ?? preset.MappingLayers,
                ZDim = parse.GetValue(zdim) ?? preset.ZDim,
                ChannelBase = parse.GetValue(cbase) ?? preset.ChannelBase,
                ChannelMax = parse.GetValue(cmax) ?? preset.ChannelMax,
                MbstdGroup = parse.GetValue(mbstd) ?? preset.MbstdGroup,
                Mirror = parse.GetValue(mirror) ?? preset.Mirror,
                Conditional = parse.GetValue(cond) ?? preset.Conditional,
                // A minibatch or lr given on the command line holds at every resolution of a growing preset too.
                Growth = preset.Growth is { } growth ? growth with
                {
                    Batch = batchGiven is null ? growth.Batch : new(),
                    LearningRate = lrGiven is null ? growth.LearningRate : new(),
                    TrainingKimg = parse.GetValue(lodKimg) ?? growth.TrainingKimg,
                    TransitionKimg = parse.GetValue(fadeKimg) ?? growth.TransitionKimg,
                } : null,
                Augment = mode,
                AugmentPipe = pipe is not null ? AugmentPresets.Get(pipe) : fromSource?.Config ?? preset.AugmentPipe,
                AugmentP = p ?? (fromSource is { } sourceAugment ? Math.Min(sourceAugment.P, 1) : preset.AugmentP), // a long ADA run can end above 1
                AdaTarget = parse.GetValue(target) ?? preset.AdaTarget,
                AdaKimg = parse.GetValue(adaKimg) ?? (source is null ? preset.AdaKimg : 100),
                FreezeD = parse.GetValue(freezed) ?? preset.FreezeD,
                EmaRampup = source is null ? preset.EmaRampup : null,
                TransferFrom = sourcePath is null ? null : Path.GetFullPath(sourcePath),
            }).Validate();
        }

        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var metrics = metricOptions.Chosen(parse);
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            // Read before a run folder is made, so that a missing weights file stops the run now and leaves nothing
            // behind, rather than at its first snapshot.
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

            TrainingRunState run;
            ImageDataset data;
            string runFolder;
            bool transferring = checkpoint is not null && (parse.GetValue(transfer) || !Checkpoint.IsCheckpoint(checkpoint));
            if (parse.GetValue(transfer) && checkpoint is null)
                throw new UsageException("--transfer needs --resume NETWORK: the network whose weights the new run starts from.");
            if (checkpoint is null || transferring)
            {
                new OutputRule("--outdir", force: false).Folder(parent); // before the data is read, which can take minutes
                data = ImageDataset.Open(parse.GetValue(dataOption) ?? BundledData.Mnist, parse.GetValue(skipBad));
                using var source = transferring ? NetworkFile.Load(checkpoint!) : null;
                var options = NewRunOptions(parse, Presets.Get(parse.GetValue(cfg)!, data.Resolution), source is null ? null : checkpoint, source);
                if (source is not null)
                {
                    (run, var notes) = TrainingRunState.Transfer(options, source, checkpoint!, data.Resolution, data.Channels, data.LabelDim, Path.GetFullPath(data.Path), dev);
                    foreach (var note in notes) Console.Error.WriteLine($"stylegan: note: {note}");
                }
                else
                {
                    run = new TrainingRunState(options, data.Resolution, data.Channels, data.LabelDim, Path.GetFullPath(data.Path), dev);
                }
                // Only now, with the run built, so that a start that fails leaves no empty run folder behind.
                runFolder = RunFolders.CreateNext(parent, $"{Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(data.Path))}-{options.Cfg}");
                AnsiConsole.MarkupLine($"New run in [bold]{Markup.Escape(runFolder)}[/]: {data.Count} images {data.Resolution}x{data.Resolution}x{data.Channels}, cfg {options.Cfg}, " +
                    $"{options.TotalKimg} kimg, augmentation {Describe(options)}{(source is null ? "" : $", from the weights of {Markup.Escape(checkpoint!)}")}.");
            }
            else
            {
                // A run continues in its own folder, beside the checkpoint, wherever --outdir points.
                runFolder = new OutputRule("--resume", force: false).Folder(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!);
                if (parse.GetResult(outdir) is { Implicit: false } && !PathIdentity.Contains(parent, runFolder))
                    AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(checkpoint)} is not under --outdir {Markup.Escape(parent)}: the run continues in its own folder, {Markup.Escape(runFolder)}.");
                data = ImageDataset.Open(parse.GetValue(dataOption) ?? Checkpoint.DatasetPath(checkpoint), parse.GetValue(skipBad));
                var schedule = new TrainingSchedule(parse.GetValue(kimg), parse.GetValue(tick), parse.GetValue(snap), parse.GetValue(keep));
                run = TrainingRunState.Resume(checkpoint, data, dev, schedule);
                var ignored = new Option[] { cfg, batch, seed, gamma, lr, ema, plWeight, mixing, map, zdim, cbase, cmax, mbstd, lodKimg, fadeKimg, mirror, cond, aug, augP, target, adaKimg, augpipe, freezed }
                    .Where(option => parse.GetResult(option) is { Implicit: false }).Select(option => option.Name).ToList();
                if (ignored.Count > 0)
                    Console.Error.WriteLine($"stylegan: note: a resumed run keeps the options it was trained with; ignored: {string.Join(", ", ignored)} " +
                        "(only --kimg, --snap, --tick and --keep change on resume).");
                AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(checkpoint)}[/] at kimg {run.Counters.CurNimg / 1000.0:F1} of {run.Options.TotalKimg}.");
            }
            SkippedFiles.Print(data.Skipped);

            using (data)
            using (run)
            {
                using var stop = new GracefulStop();
                var outcome = TrainingProgressView.Run(run.Options.TotalKimg, run.Counters.CurNimg / 1000.0,
                    report => new TrainingLoop(run, data, runFolder, dev, report,
                        networks is null ? null : SnapshotMetrics.Logged(generator => MetricSuite.Evaluate(generator, data, metrics, networks, device: dev))).Run(stop.Token));
                if (outcome == TrainingOutcome.Finished)
                {
                    AnsiConsole.MarkupLine($"Done: {Markup.Escape(runFolder)}");
                    return 0;
                }
                // The loop wrote this checkpoint on stopping; the line resumes exactly it, with what reading the data needed.
                string written = Path.GetFullPath(Path.Combine(runFolder, Checkpoint.FileName(run.Counters.CurNimg)));
                string[] again = ["stylegan", "train", "--resume", written,
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
