using StyleGan.Augment;
using System.Security.Cryptography;
using StyleGan.Data;
using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>The loop on a tiny 8x8 network: exact resume, NaN handling, corrupt checkpoints.</summary>
[Collection(ExactResults.Collection)]
public sealed class TrainingLoopTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("training-test").FullName;
    readonly ImageDataset data;

    // Every phase runs within 8 minibatches: lazy R1 every 2, path length every 2, style mixing on.
    internal static readonly TrainingOptions Tiny = new()
    {
        Cfg = "test", TotalKimg = 0.032, Batch = 4, ZDim = 8, MappingLayers = 2, ChannelBase = 64, ChannelMax = 8, MbstdGroup = 2,
        Gamma = 1, PlWeight = 2, GRegInterval = 2, DRegInterval = 2, EmaKimg = 0.01, TickKimg = 0.008, SnapKimg = 1, Seed = 7,
    };

    public TrainingLoopTests()
    {
        set_num_threads(1); // libtorch reductions are deterministic for a fixed thread count
        var images = Path.Combine(folder, "images");
        var random = new torch.Generator(1);
        for (int i = 0; i < 12; i++)
            ImageFile.SavePng(Path.Combine(images, $"{i:D2}.png"), randint(0, 256, new long[] { 1, 8, 8 }, dtype: ScalarType.Byte, generator: random));
        data = ImageDataset.Open(images);
    }

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    TrainingRunState NewRun(TrainingOptions options) => new(options, data.Resolution, data.Channels, data.LabelDim, data.Path, CPU);

    [Fact]
    public void InterruptedAndResumedRunEqualsUninterruptedRun()
    {
        var (straight, resumed) = AssertResumeIsExact(Tiny with { Augment = AugmentMode.Noaug });
        straight.Dispose();
        resumed.Dispose();
    }

    // ADA moving fast (p by 0.16 every 2 minibatches, from 0.5), interrupted in the middle of an interval: p, the
    // signs collected so far and the augmentation's random stream all carry over (NVIDIA's resume restarted p at 0).
    [Fact]
    public void InterruptedAndResumedAdaRunEqualsUninterruptedRun()
    {
        var (straight, resumed) = AssertResumeIsExact(Tiny with { Augment = AugmentMode.Ada, AugmentP = 0.5, AdaInterval = 2, AdaKimg = 0.05 });
        Assert.True(straight.Augment!.P != 0.5f, "p never moved: the test would not see it restored.");
        Assert.Equal(straight.Augment.P, resumed.Augment!.P);
        straight.Dispose();
        resumed.Dispose();
    }

    // Trains the options straight through and with an interruption after 12 images (3 minibatches), and compares.
    (TrainingRunState Straight, TrainingRunState Resumed) AssertResumeIsExact(TrainingOptions options)
    {
        var straight = NewRun(options);
        Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(straight, data, Path.Combine(folder, "straight"), CPU).Run(CancellationToken.None));

        var interruptedFolder = Path.Combine(folder, "interrupted");
        using (var first = NewRun(options))
        {
            using var cancel = new CancellationTokenSource();
            // The loop sees the cancellation after the next minibatch, as it sees Ctrl-C.
            var outcome = new TrainingLoop(first, data, interruptedFolder, CPU, p => { if (p.Kimg >= 0.008) cancel.Cancel(); }).Run(cancel.Token);
            Assert.Equal(TrainingOutcome.Interrupted, outcome);
            Assert.Equal(12, first.Counters.CurNimg);
        }

        var resumed = TrainingRunState.Resume(Checkpoint.Newest(interruptedFolder)!, data, CPU);
        Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(resumed, data, interruptedFolder, CPU).Run(CancellationToken.None));

        Assert.Equal(straight.Counters.CurNimg, resumed.Counters.CurNimg);
        AssertSameWeights(straight.G, resumed.G);
        AssertSameWeights(straight.D, resumed.D);
        AssertSameWeights(straight.GEma, resumed.GEma);
        Assert.Equal(straight.Loss.PlMean.item<float>(), resumed.Loss.PlMean.item<float>());
        return (straight, resumed);
    }

    // StyleGAN3's presets at a test size, R's blur fading over the whole run, so that the resumed half blurs less.
    [Theory]
    [InlineData("stylegan3-t-cpu")]
    [InlineData("stylegan3-r-cpu")]
    public void InterruptedAndResumedStyleGan3RunEqualsUninterruptedRun(string cfg)
    {
        var options = Presets.Get(cfg, 8) with
        {
            TotalKimg = 0.032, Batch = 4, ZDim = 8, ChannelBase = 64, ChannelMax = 8, MbstdGroup = 2, DRegInterval = 2, EmaKimg = 0.01, TickKimg = 0.008,
            SnapKimg = 1, Seed = 7, Augment = AugmentMode.Noaug, BlurFadeKimg = cfg.Contains("-r-") ? 0.032 : 0,
        };
        var (straight, resumed) = AssertResumeIsExact(options);
        var magnitudes = resumed.G.named_buffers().Where(b => b.name.EndsWith("magnitude_ema", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(magnitudes);
        Assert.All(magnitudes, b => Assert.NotEqual(1f, b.buffer.item<float>())); // advanced by the D phases (they start at 1)
        straight.Dispose();
        resumed.Dispose();
    }

    // The 2019 family growing from 4x4 to 8x8: 8 images at 4x4, a fade over 8, then 8x8, with a minibatch and a
    // learning rate of its own at 8x8; the optimizers are reset as each fade starts and ends.
    static TrainingOptions Growing(string cfg) => Presets.Get(cfg, 8) with
    {
        TotalKimg = 0.028, Batch = 4, ZDim = 8, ChannelBase = 64, ChannelMax = 8, MbstdGroup = 2, EmaKimg = 0.01, TickKimg = 0.008, SnapKimg = 1, Seed = 7,
        Growth = new GrowthSchedule
        {
            InitialResolution = 4, TrainingKimg = 0.008, TransitionKimg = 0.008, Batch = new() { [8] = 2 }, LearningRate = new() { [8] = 0.002 },
            MinibatchRepeats = 1, // a fade of 4 minibatches, not one step
        },
    };

    [Fact]
    public void AGrowingRunReadsItsScheduleOnceEveryMinibatchRepeats()
    {
        const int repeats = 3;
        var options = Growing("sg1-f") with { TickKimg = 0.001 }; // a progress report after every minibatch
        options = options with { Growth = options.Growth! with { MinibatchRepeats = repeats } };
        using var run = NewRun(options);
        var seen = new List<(double KimgAfter, double Lod)>();
        new TrainingLoop(run, data, Path.Combine(folder, "repeats"), CPU, p => seen.Add((p.Kimg, run.Lod))).Run(CancellationToken.None);
        // Minibatch k runs at the lod of the images seen before minibatch k - k % repeats.
        for (int k = 0; k < seen.Count; k++)
        {
            int first = k - k % repeats;
            double kimgBefore = first == 0 ? 0 : seen[first - 1].KimgAfter;
            Assert.Equal((float)options.Growth.Lod(kimgBefore, data.Resolution), seen[k].Lod, 6);
        }
        Assert.Contains(seen, s => s.Lod is > 0 and < 1);
        Assert.Contains(Enumerable.Range(1, seen.Count - 1), k => seen[k].Lod == seen[k - 1].Lod
            && (float)options.Growth.Lod(seen[k - 1].KimgAfter, data.Resolution) != seen[k].Lod); // held where the schedule moved
    }

    [Fact]
    public void TheGrowingRecipeStepsDBeforeGAsStyleGansLoopDoes()
    {
        using (var growing = NewRun(Growing("sg1-f")))
            Assert.Equal([LossPhase.DBoth, LossPhase.GBoth], growing.Phases.Select(p => p.Phase));
        using var stylegan2 = NewRun(Tiny);
        Assert.Same(stylegan2.G, stylegan2.Phases[0].Module);
    }

    [Theory]
    [InlineData("sg1-a")] // WGAN-GP, pixel norm, dense input
    [InlineData("sg1-f")] // R1, AdaIN, const, noise, style mixing
    public void ResumedProgressiveRunEqualsUninterruptedRunAcrossAFade(string cfg)
    {
        using var straight = NewRun(Growing(cfg));
        var lods = new List<double>();
        Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(straight, data, Path.Combine(folder, "straight"), CPU, _ => lods.Add(straight.Lod)).Run(CancellationToken.None));
        Assert.Equal(1, lods[0]);
        Assert.Contains(lods, lod => lod > 0 && lod < 1);
        Assert.Equal(0, lods[^1]);

        var interruptedFolder = Path.Combine(folder, "interrupted");
        using (var first = NewRun(Growing(cfg)))
        {
            using var cancel = new CancellationTokenSource();
            // Stopped within the fade (kimg 0.008 to 0.016, lod 1 to 0).
            var outcome = new TrainingLoop(first, data, interruptedFolder, CPU, p => { if (p.Kimg >= 0.012) cancel.Cancel(); }).Run(cancel.Token);
            Assert.Equal(TrainingOutcome.Interrupted, outcome);
            Assert.InRange(first.Lod, 0.01, 0.99);
        }

        using var resumed = TrainingRunState.Resume(Checkpoint.Newest(interruptedFolder)!, data, CPU);
        Assert.InRange(resumed.Lod, 0.01, 0.99);
        Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(resumed, data, interruptedFolder, CPU).Run(CancellationToken.None));

        Assert.Equal(straight.Counters.CurNimg, resumed.Counters.CurNimg);
        AssertSameWeights(straight.G, resumed.G);
        AssertSameWeights(straight.D, resumed.D);
        AssertSameWeights(straight.GEma, resumed.GEma);
    }

    [Fact]
    public void RunWritesCheckpointsGridsAndLogs()
    {
        using var run = NewRun(Tiny with { SnapKimg = 0.016, KeepSnapshots = 1 });
        var outdir = Path.Combine(folder, "run");
        new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
        Assert.Single(Directory.GetFiles(outdir, "network-snapshot-*.safetensors"));
        Assert.True(File.Exists(Path.Combine(outdir, "fakes_init.png")));
        Assert.True(File.Exists(Path.Combine(outdir, "fakes000000.png")));
        Assert.Contains("\"batch\": 4", File.ReadAllText(Path.Combine(outdir, TrainingLoop.OptionsFileName)));
        var records = File.ReadAllLines(Path.Combine(outdir, "stats.jsonl"));
        Assert.Equal(4, records.Length); // a tick every 8 images, 32 images
        Assert.Contains("\"loss/G\"", records[0]);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outdir, "tensorboard"), "*", SearchOption.AllDirectories));

        using var networks = NetworkFile.Load(Checkpoint.Newest(outdir)!);
        AssertSameWeights(run.GEma, networks.Sampler);
        AssertSameWeights(run.G, networks.G!);
        AssertSameWeights(run.D, networks.D!);
    }

    [Fact]
    public void SnapshotMetricsAreLoggedAndLeaveTheTrainingAsItWas()
    {
        var metric = StyleGan.Metrics.StandardMetrics.Parse("fid50k_full")[0];
        var scored = new List<double>();
        IReadOnlyList<StyleGan.Metrics.MetricReport> Score(StyleGan.Networks.Generator generator)
        {
            // Samples G_ema as a metric does (eval mode, its own random stream) and reports their mean as the value.
            var sampler = new StyleGan.Generation.Sampler(generator);
            double mean = sampler.Generate(randn(new long[] { 4, generator.Config.ZDim }, generator: new torch.Generator(3)), null).mean().item<float>();
            scored.Add(mean);
            return [new(metric, new Dictionary<string, double> { [metric.Name] = mean }, "test features", 4, 0, 0.5)];
        }
        var options = Tiny with { SnapKimg = 0.016 };
        using var plain = NewRun(options);
        new TrainingLoop(plain, data, Path.Combine(folder, "plain"), CPU).Run(CancellationToken.None);
        using var measured = NewRun(options);
        var outdir = Path.Combine(folder, "measured");
        var lines = new List<string>();
        new TrainingLoop(measured, data, outdir, CPU, p => { if (p.Event is not null) lines.Add(p.Event); }, SnapshotMetrics.Logged(Score)).Run(CancellationToken.None);

        Assert.Equal(2, scored.Count); // at 16 and 32 images
        var logged = File.ReadAllLines(Path.Combine(outdir, "metric-fid50k_full.jsonl")).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(scored, logged.Select(row => row.GetProperty("results").GetProperty("fid50k_full").GetDouble()));
        Assert.Equal([Checkpoint.FileName(16), Checkpoint.FileName(32)], logged.Select(row => row.GetProperty("snapshot_pkl").GetString()));
        Assert.Equal(0.032, logged[1].GetProperty("kimg").GetDouble(), 1e-12);
        Assert.Contains(lines, line => line.Contains($"fid50k_full {scored[1]:G5}"));
        AssertSameWeights(plain.G, measured.G);
        AssertSameWeights(plain.GEma, measured.GEma);
        AssertSameWeights(plain.D, measured.D);
    }

    [Fact]
    public void ARunFirstDeletesWhatWritesOfKilledRunsLeftHalfDoneInItsFolder()
    {
        var outdir = Directory.CreateDirectory(Path.Combine(folder, "killed")).FullName;
        var halfWritten = Path.Combine(outdir, "network-snapshot-000004.safetensors.tmp999999999"); // no such process
        File.WriteAllText(halfWritten, "cut off");
        var events = new List<string>();
        using var run = NewRun(Tiny with { TotalKimg = 0.008 });
        new TrainingLoop(run, data, outdir, CPU, p => { if (p.Event is not null) events.Add(p.Event); }).Run(CancellationToken.None);
        Assert.False(File.Exists(halfWritten));
        Assert.Contains("network-snapshot-000004.safetensors.tmp999999999", events[0]);
        Assert.Empty(Directory.GetFiles(outdir, "*.tmp*"));
    }

    [Fact]
    public void NanLossStopsWithAClearMessageAndKeepsTheLastCheckpoint()
    {
        var outdir = Path.Combine(folder, "nan");
        using var run = NewRun(Tiny with { TotalKimg = 0.008 });
        new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
        var checkpoint = Checkpoint.Newest(outdir)!;
        var before = SHA256.HashData(File.ReadAllBytes(checkpoint));

        var diverged = NewRunContinuing(run, Tiny with { TotalKimg = 0.032 });
        using (no_grad()) diverged.D.parameters().First().fill_(float.NaN);
        var error = Assert.Throws<TrainingDivergedException>(() => new TrainingLoop(diverged, data, outdir, CPU).Run(CancellationToken.None));
        Assert.Contains("NaN", error.Message);
        Assert.Contains(checkpoint, error.Message);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(checkpoint)));
        Assert.Single(Directory.GetFiles(outdir, "network-snapshot-*.safetensors"));
    }

    [Fact]
    public void CorruptOrTruncatedCheckpointIsRefusedWithTheFileName()
    {
        var outdir = Path.Combine(folder, "corrupt");
        using (var run = NewRun(Tiny with { TotalKimg = 0.008 })) new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
        var checkpoint = Checkpoint.Newest(outdir)!;
        var bytes = File.ReadAllBytes(checkpoint);

        var flipped = Path.Combine(folder, "flipped.safetensors");
        var damaged = (byte[])bytes.Clone();
        damaged[^100] ^= 0x40;
        File.WriteAllBytes(flipped, damaged);
        var error = Assert.Throws<InvalidDataException>(() => TrainingRunState.Resume(flipped, data, CPU));
        Assert.Contains(flipped, error.Message);
        Assert.Contains("checksum", error.Message);

        var truncated = Path.Combine(folder, "truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        error = Assert.Throws<InvalidDataException>(() => TrainingRunState.Resume(truncated, data, CPU));
        Assert.Contains(truncated, error.Message);
    }

    [Fact]
    public void PruneKeepsTheNewestCheckpoints()
    {
        var outdir = Path.Combine(folder, "prune");
        Directory.CreateDirectory(outdir);
        foreach (long nimg in new long[] { 4000, 12000, 8000, 16000 }) File.WriteAllText(Path.Combine(outdir, Checkpoint.FileName(nimg)), "");
        File.WriteAllText(Path.Combine(outdir, "fakes000004.png"), "");
        Checkpoint.Prune(outdir, keep: 2);
        Assert.Equal(new[] { "fakes000004.png", "network-snapshot-000012.safetensors", "network-snapshot-000016.safetensors" },
            Directory.GetFiles(outdir).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal));
        Assert.Equal(Path.Combine(outdir, "network-snapshot-000016.safetensors"), Checkpoint.Newest(outdir));
    }

    // A run whose networks and state are those of another run, with other options.
    TrainingRunState NewRunContinuing(TrainingRunState source, TrainingOptions options)
    {
        var path = Path.Combine(folder, "handover.safetensors");
        Checkpoint.Save(path, source);
        return TrainingRunState.Resume(path, data, CPU, new TrainingSchedule(options.TotalKimg));
    }

    static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        foreach (var (name, value) in a)
            Assert.True((value == b[name]).all().item<bool>(), $"{name} differs (max {(value - b[name]).abs().max().item<float>():E2}).");
    }
}
