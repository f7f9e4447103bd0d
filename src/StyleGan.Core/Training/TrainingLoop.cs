using System.Diagnostics;
using System.Text.Json;
using StyleGan.Configs;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Files;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using StyleGan.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>
/// The StyleGAN2-ADA training loop (training/training_loop.py): each minibatch runs the G and D phases (lazy
/// regularization at their intervals; a growing 2019 run, as StyleGAN's loop, D's first, its fakes with the reals'
/// labels, and its lod read every GrowthSchedule.MinibatchRepeats minibatches), updates G_ema and, every ADA interval, the augmentation probability; each tick logs; each snapshot writes a sample grid and a
/// checkpoint, and evaluates the metrics asked for on G_ema. Stops at the target kimg or when cancelled, after writing a checkpoint either way. It owns its run
/// folder: it creates it, writes training_options.json there, and first deletes the temporary files that writes of
/// killed runs left in it (reported as an event). Where several ranks train the run (<see cref="TrainingRunState.Ranks"/>),
/// each computes its share of every minibatch, and rank 0 alone writes the folder.
/// </summary>
public sealed class TrainingLoop
{
    const int GridSeeds = 64;

    /// <summary>The run's options as JSON, in the run folder (the checkpoints hold them too).</summary>
    public const string OptionsFileName = "training_options.json";

    readonly TrainingRunState run;
    readonly ImageDataset data;
    readonly string outdir;
    readonly Device device;
    readonly Action<TrainingProgress>? report;
    readonly SnapshotScorer? snapshotMetrics;

    /// <param name="run">Networks, optimizers and state (fresh or restored from a checkpoint).</param>
    /// <param name="data">Real images (and labels).</param>
    /// <param name="outdir">Run folder for checkpoints, grids and logs.</param>
    /// <param name="device">Where tensors are computed.</param>
    /// <param name="report">Called after every minibatch.</param>
    /// <param name="snapshotMetrics">Scores G_ema at each snapshot (not at an interruption, which should stop at once), e.g.
    /// StyleGan.Metrics' SnapshotMetrics.Logged; its results go to TensorBoard (Metrics/NAME) and the progress line. Null: none.
    /// Where ranks train together, every rank calls it (each generates its share of the images), and rank 0's results count.</param>
    public TrainingLoop(TrainingRunState run, ImageDataset data, string outdir, Device device, Action<TrainingProgress>? report = null,
        SnapshotScorer? snapshotMetrics = null)
    {
        this.snapshotMetrics = snapshotMetrics;
        this.run = run;
        this.data = data;
        this.outdir = outdir;
        this.device = device;
        this.report = report;
    }

    public TrainingOutcome Run(CancellationToken cancel)
    {
        var options = run.Options;
        var ranks = run.Ranks;
        bool writes = ranks.Rank == 0;
        if (writes)
        {
            Directory.CreateDirectory(outdir);
            var stale = AtomicFile.DeleteStale(outdir);
            if (stale.Count > 0)
                report?.Invoke(new TrainingProgress(run.Counters.CurNimg / 1000.0, options.TotalKimg, double.NaN, new Dictionary<string, double>(),
                    $"deleted {stale.Count} temporary file(s) that a killed run left half-written: {string.Join(", ", stale.Select(Path.GetFileName))}"));
            AtomicFile.Write(Path.Combine(outdir, OptionsFileName), stream => JsonSerializer.Serialize(stream, options, NetworkJson.Options));
        }
        using var log = writes ? new TrainingLog(outdir) : null;
        if (writes && run.Counters.CurNimg == 0) SaveGrid("fakes_init.png");

        var tickSums = new Dictionary<string, (double Sum, int Count)>();
        var tickWatch = Stopwatch.StartNew();
        double maintenanceSeconds = 0; // snapshots and metrics within the current tick
        double wallAtStart = run.Counters.WallSeconds;
        var wall = Stopwatch.StartNew();
        double secondsPerKimg = double.NaN;
        long totalNimg = (long)(options.TotalKimg * 1000);

        while (run.Counters.CurNimg < totalNimg)
        {
            int batch = PrepareMinibatch();
            using (var scope = NewDisposeScope()) Step(tickSums, batch);
            var c = run.Counters;
            run.Counters = c = c with { CurNimg = c.CurNimg + batch, BatchIdx = c.BatchIdx + 1, WallSeconds = wallAtStart + wall.Elapsed.TotalSeconds };
            if (run.Ada is not null) run.Augment!.P = run.Ada.Adjust(run.Augment.P, c.BatchIdx, batch);

            bool done = c.CurNimg >= totalNimg;
            bool tickDone = done || c.CurNimg >= c.TickStartNimg + options.TickKimg * 1000;
            bool snapDue = done || c.CurNimg >= c.SnapStartNimg + options.SnapKimg * 1000;
            // A signal may reach one rank only (a scheduler's SIGTERM): all stop at the same minibatch.
            bool stop = done || DataParallel.Any(ranks, cancel.IsCancellationRequested);
            string? message = null;

            var means = tickSums.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count);
            if (tickDone)
            {
                means = RankMeans(means);
                double tickKimg = (c.CurNimg - c.TickStartNimg) / 1000.0;
                secondsPerKimg = (tickWatch.Elapsed.TotalSeconds - maintenanceSeconds) / tickKimg;
                var stats = new Dictionary<string, double>(means)
                {
                    ["timing/sec_per_kimg"] = secondsPerKimg,
                    ["timing/total_sec"] = c.WallSeconds,
                    ["resources/rss_mb"] = Process.GetCurrentProcess().WorkingSet64 / 1048576.0,
                };
                if (options.Growth is not null) stats["progress/lod"] = run.Lod;
                if (run.Augment is not null) stats["progress/augment"] = run.Augment.P;
                log?.Write(c.CurNimg / 1000.0, stats);
                message = $"tick {c.CurTick}  kimg {c.CurNimg / 1000.0:F1}{(options.Growth is null ? "" : $"  lod {run.Lod:F2}")}" +
                    $"{(run.Augment is null ? "" : $"  augment {run.Augment.P:F3}")}  sec/kimg {secondsPerKimg:F1}  rss {stats["resources/rss_mb"]:F0} MB  "
                    + string.Join("  ", means.Select(kv => $"{kv.Key} {kv.Value:F3}"));
                run.Counters = c = c with { CurTick = c.CurTick + 1, TickStartNimg = c.CurNimg };
                tickSums.Clear();
                tickWatch.Restart();
                maintenanceSeconds = 0;
            }
            if (snapDue || stop)
            {
                var maintenance = Stopwatch.StartNew();
                run.Counters = c = c with { SnapStartNimg = c.CurNimg };
                var name = Checkpoint.FileName(c.CurNimg);
                if (writes)
                {
                    SaveGrid($"fakes{c.CurNimg / 1000:D6}.png");
                    Checkpoint.Save(Path.Combine(outdir, name), run);
                    Checkpoint.Prune(outdir, options.KeepSnapshots);
                    message = (message is null ? "" : message + "\n") + $"saved {name}";
                }
                // Every rank generates its share of the metrics' images; rank 0 gets the results.
                if (snapDue && snapshotMetrics is not null)
                {
                    var results = snapshotMetrics(run.GEma, outdir, name, c.CurNimg / 1000.0);
                    if (writes)
                    {
                        log!.WriteMetrics(c.CurNimg / 1000.0, results);
                        message += "\n" + string.Join("  ", results.Select(kv => $"{kv.Key} {kv.Value:G5}"));
                    }
                }
                // Snapshots and metrics are maintenance, as in the official loop: the tick's sec/kimg leaves them out (a
                // snapshot falls inside a tick where the snapshot interval is not a multiple of the tick's).
                maintenanceSeconds += maintenance.Elapsed.TotalSeconds;
            }
            report?.Invoke(new TrainingProgress(c.CurNimg / 1000.0, options.TotalKimg, secondsPerKimg, means, message, run.Augment?.P));
            if (stop) return done ? TrainingOutcome.Finished : TrainingOutcome.Interrupted;
        }
        return TrainingOutcome.Finished;
    }

    // The tick's means over every rank's share (each rank's are means over equal shares), as training_stats reduces them.
    Dictionary<string, double> RankMeans(Dictionary<string, double> means)
    {
        var names = means.Keys.Order(StringComparer.Ordinal).ToList();
        var sums = DataParallel.Sum(run.Ranks, names.Select(name => means[name]).ToArray());
        return names.Select((name, i) => (name, sums[i] / run.Ranks.Size)).ToDictionary();
    }

    // The minibatch size of the next minibatch. A growing run first reads its schedule, every MinibatchRepeats
    // minibatches: it sets the lod of its networks from the images seen and resets the optimizers when layers appear
    // (the original's reset_optimizer_state; the previous lod is the one the networks hold, which a checkpoint saves,
    // so a resumed run resets where an uninterrupted one does). Then it sets the learning rate of the resolution.
    int PrepareMinibatch()
    {
        var options = run.Options;
        if (options.Growth is not GrowthSchedule growth) return options.Batch;
        if (run.Counters.BatchIdx % growth.MinibatchRepeats == 0)
        {
            double lod = (float)growth.Lod(run.Counters.CurNimg / 1000.0, data.Resolution); // as the networks' float32 lod holds it
            if (GrowthSchedule.NewLayers(run.Lod, lod))
                foreach (var (_, optimizer) in run.Optimizers) AdamState.Reset(optimizer);
            run.SetLod(lod);
        }
        int resolution = Networks.LevelOfDetail.ActiveResolution(data.Resolution, run.Lod);
        foreach (var phase in run.Phases) phase.SetLearningRate(options.LearningRateAt(resolution));
        return options.BatchAt(resolution);
    }

    // One minibatch: every phase due at this batch index, then the G_ema update.
    void Step(Dictionary<string, (double Sum, int Count)> tickSums, int batch)
    {
        var options = run.Options;
        int sources = data.Count * (options.Mirror ? 2 : 1);
        var share = run.Share;
        // Every rank draws the whole minibatch's order and latents from streams they hold alike, and takes its rows.
        var drawn = share.Take(randint(0, sources, new long[] { batch }, generator: run.DataRandom).data<long>().ToArray());
        var indices = drawn.Select(i => (int)(i % data.Count)).ToArray();
        var images = data.Images(indices);
        var reals = options.Growth is null ? PixelRange.FromUint8(images) : ProgressiveReals.At(images, run.Lod);
        if (options.Mirror)
        {
            var flip = tensor(drawn.Select(i => i >= data.Count).ToArray()).reshape(drawn.Length, 1, 1, 1);
            reals = where(flip, reals.flip(3), reals);
        }
        reals = reals.to(device).to(run.DType);
        var realLabels = LabelsFor(indices);

        foreach (var phase in run.Phases)
        {
            // Draw every phase's latents even when it is skipped, so the streams stay aligned with the batch index.
            var z = share.Take(randn(new long[] { batch, options.ZDim }, device: device, generator: run.LatentRandom));
            var labelIndices = share.Take(randint(0, data.Count, new long[] { batch }, generator: run.DataRandom).data<long>().Select(i => (int)i).ToArray());
            // The 2019 D step gave the fakes the reals' labels (training/loss.py of StyleGAN); StyleGAN2-ADA draws them.
            var genLabels = options.Growth is not null && phase.Module == run.D ? realLabels : LabelsFor(labelIndices);
            if (run.Counters.BatchIdx % phase.Interval != 0) continue;

            var terms = phase.Run(run.Loss, reals, realLabels, z, genLabels, run.Counters.CurNimg, run.Ranks);
            foreach (var (name, value) in terms.Computed())
            {
                if (!double.IsFinite(value))
                    throw new TrainingDivergedException(
                        $"{name} became {value} at kimg {run.Counters.CurNimg / 1000.0:F1} (phase {phase.Phase}). Training stopped; the last good checkpoint is " +
                        $"{Checkpoint.Newest(outdir) ?? "none yet"}. Try a lower learning rate (`LearningRate`) or a higher R1 weight (`Gamma`), then resume.");
                var (sum, count) = tickSums.GetValueOrDefault(name);
                tickSums[name] = (sum + value, count + 1);
            }
            if (run.Ada is not null && terms.ScoresReal is not null) run.Ada.Collect(terms.ScoresReal, run.Ranks);
        }
        DataParallel.AverageTrackedBuffers(run.Ranks, run.G);
        UpdateEma(batch);
    }

    Tensor? LabelsFor(int[] indices) => run.G.Config.CDim > 0 ? data.Labels(indices)?.to(device) : null;

    // G_ema follows G with a half-life of ema_kimg thousand images, ramped up early in training.
    void UpdateEma(int batch)
    {
        var options = run.Options;
        double emaNimg = options.EmaKimg * 1000;
        if (options.EmaRampup is double ramp) emaNimg = Math.Min(emaNimg, run.Counters.CurNimg * ramp);
        double beta = Math.Pow(0.5, batch / Math.Max(emaNimg, 1e-8));
        using var _ = no_grad();
        foreach (var (ema, current) in run.GEma.parameters().Zip(run.G.parameters()))
            ema.copy_(current + (ema - current) * beta);
        foreach (var (ema, current) in run.GEma.buffers().Zip(run.G.buffers()))
            ema.copy_(current);
    }

    // The grid shows seeds 0..63 as `stylegan generate --seeds 0-63` would (const noise, no truncation).
    void SaveGrid(string name)
    {
        using var scope = NewDisposeScope();
        // In minibatches of the run's size, which is what its memory was sized for.
        var sampler = new Sampler(run.GEma, device, run.Options.Batch);
        var seeds = Enumerable.Range(0, GridSeeds).Select(i => (uint)i).ToList();
        int labelDim = run.G.Config.CDim;
        var labels = labelDim > 0 ? nn.functional.one_hot(arange(GridSeeds) % labelDim, labelDim).to(float32) : null;
        ImageGrid.Save(Path.Combine(outdir, name), sampler.Generate(sampler.Latents(seeds), labels), columns: 8);
    }
}
