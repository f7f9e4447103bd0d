using System.Globalization;
using System.Text.Json;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using StyleGan.Training;

namespace StyleGan.Tests.Distributed;

/// <summary>
/// Training on several ranks under Open MPI's mpirun: the collective calls, one minibatch on 2 ranks against one
/// process with the same whole minibatch (the same computation, summed in another order), the quick-start preset
/// through the stylegan command, a rank killed with SIGKILL, and a batch that does not split.
/// </summary>
public sealed class DataParallelTrainingTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("stylegan-mpi-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void CollectiveCallsGiveWhatEveryRankCanCompute(int ranks)
    {
        var report = Path.Combine(folder, "report.json");
        Mpirun.Run(ranks, Mpirun.Host, "collectives", report);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(ranks, json.RootElement.GetProperty("size").GetInt32());
        Assert.Equal(ranks, json.RootElement.GetProperty("failuresPerRank").GetArrayLength());
        Assert.Empty(json.RootElement.GetProperty("failures").EnumerateArray());
        Assert.All(json.RootElement.GetProperty("failuresPerRank").EnumerateArray(), count => Assert.Equal(0, count.GetInt64()));
    }

    // One minibatch without augmentation in float64 (G main, G's path length, D main and R1 all run at minibatch 0;
    // sg1-f grows, with the 2019 D first): every weight of G, D and G_ema and every Adam moment (beta1 is 0: the first
    // moments are the gradients) as one process computes them, to 1e-9 but where:
    // - cpu-tiny's noise strengths have float32 gradients: NVIDIA's layer draws its noise in float32, and float32 noise
    //   times a float64 scalar stays float32. Their moments agree to 1.5e-8.
    // - sg1-f's learned constant's bias has a gradient near Adam's epsilon, where a difference of 2e-13 in the gradient
    //   moves the step by 1.7e-8 (see below).
    [SkippableTheory]
    [InlineData("cpu-tiny", 1e-9, 1e-7)]
    [InlineData("sg1-f", 1e-7, 1e-9)]
    public void OneMinibatchOnTwoRanksEqualsOneProcessInFloat64(string cfg, double weightTolerance, double momentTolerance)
    {
        var alone = Path.Combine(folder, "alone");
        var shared = Path.Combine(folder, "shared");
        Mpirun.RunAlone(Mpirun.Host, "train", ReferenceData.Bundled("mnist32.zip"), alone, "float64", "32", cfg);
        Mpirun.Run(2, Mpirun.Host, "train", ReferenceData.Bundled("mnist32.zip"), shared, "float64", "32", cfg);
        AssertSameRun(Checkpoint.Newest(alone)!, Checkpoint.Newest(shared)!, weightTolerance, momentTolerance);
    }

    // The README's quick start (cpu-tiny on the bundled MNIST, ADA on), one minibatch of 32, through the command, in
    // float32. Adam's first step is lr * g / (|g| + 1e-8): where a gradient is near 1e-8, a difference in its last
    // bits moves the step by up to 1e-4 of a weight's scale, and D's phase then sees G's step. Measured here: 2.9e-5
    // (seed 0), 1.2e-5 (seed 1), 4.3e-6 (seed 7); one process with 1 thread against 2 differs by 9e-6 (seed 0, no
    // augmentation). The float64 test above is the one that shows the computation is the same.
    [SkippableFact]
    public void TheQuickStartOnTwoRanksTrainsAsOneProcess()
    {
        string[] train = [CliHarness.Tool, "train", "--kimg", "0.032", "--threads", "1"];
        var alone = Path.Combine(folder, "alone");
        var shared = Path.Combine(folder, "shared");
        Mpirun.RunAlone([.. train, "--outdir", alone]);
        var output = Mpirun.Run(2, [.. train, "--outdir", shared]);
        Assert.Contains("on 2 processes", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ")); // wrapped at the console's width
        Assert.Single(Directory.GetDirectories(shared)); // rank 0 alone made a run folder
        AssertSameRun(Checkpoint.Newest(Directory.GetDirectories(alone).Single())!, Checkpoint.Newest(Directory.GetDirectories(shared).Single())!,
            1e-4);
    }

    [SkippableFact]
    public void AKilledRankStopsEveryRankAndTheRunResumesOnOneRankAndOnTwo()
    {
        var data = CliHarness.TinyDataset(folder);
        var outdir = Path.Combine(folder, "runs");
        var mpirun = Mpirun.Start(2, CliHarness.Tool, "train", "--data", data, "--outdir", outdir, "--kimg", "1000", "--batch", "8",
            "--snap", "0.016", "--tick", "0.016", "--threads", "1");
        int rank1 = Mpirun.RankProcess(mpirun, 1);
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while ((!Directory.Exists(outdir) || !Directory.EnumerateFiles(outdir, "network-snapshot-*.safetensors", SearchOption.AllDirectories).Any())
            && DateTime.UtcNow < deadline && !mpirun.HasExited)
            Thread.Sleep(200);
        Thread.Sleep(1500); // a few minibatches on
        Assert.False(mpirun.HasExited, "the run ended before rank 1 was killed");
        System.Diagnostics.Process.GetProcessById(rank1).Kill();
        var (code, output) = Mpirun.Finish(mpirun, timeoutSeconds: 120);

        Assert.NotEqual(0, code);
        Assert.Contains("rank 1", output);
        var runFolder = Directory.GetDirectories(outdir).Single();
        var checkpoint = Checkpoint.Newest(runFolder)!;
        long killedAt;
        using (var networks = NetworkFile.Load(checkpoint))
            killedAt = NetworkFile.Entry<TrainingCounters>(networks.Metadata, "counters", checkpoint).CurNimg;
        Assert.True(killedAt > 0);

        string Kimg(long images) => (images / 1000.0).ToString(CultureInfo.InvariantCulture);
        Mpirun.RunAlone(CliHarness.Tool, "train", "--resume", checkpoint, "--kimg", Kimg(killedAt + 16), "--threads", "1");
        Assert.Equal(killedAt + 16, CountersOf(Checkpoint.Newest(runFolder)!).CurNimg);
        Mpirun.Run(2, CliHarness.Tool, "train", "--resume", Checkpoint.Newest(runFolder)!, "--kimg", Kimg(killedAt + 32), "--threads", "1");
        Assert.Equal(killedAt + 32, CountersOf(Checkpoint.Newest(runFolder)!).CurNimg);
    }

    // A scheduler's SIGTERM to one rank: every rank stops at the same minibatch, rank 0 writes the checkpoint and
    // prints the line that continues it on as many ranks.
    [SkippableFact]
    public void ASignalToOneRankStopsEveryRankWithACheckpoint()
    {
        var outdir = Path.Combine(folder, "runs");
        var mpirun = Mpirun.Start(2, CliHarness.Tool, "train", "--data", CliHarness.TinyDataset(folder), "--outdir", outdir, "--kimg", "1000", "--batch", "8",
            "--tick", "0.016", "--snap", "1000", "--threads", "1");
        int rank1 = Mpirun.RankProcess(mpirun, 1);
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!(Directory.Exists(outdir) && Directory.EnumerateFiles(outdir, "stats.jsonl", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
            && DateTime.UtcNow < deadline && !mpirun.HasExited)
            Thread.Sleep(200);
        Assert.False(mpirun.HasExited, "the run ended before the signal");
        CliHarness.Terminate(rank1);
        var (code, output) = Mpirun.Finish(mpirun, timeoutSeconds: 120);

        Assert.True(code == 0, output);
        var checkpoint = Checkpoint.Newest(Directory.GetDirectories(outdir).Single())!;
        Assert.Contains($"continue with: mpirun -np 2 stylegan train --resume {checkpoint}", System.Text.RegularExpressions.Regex.Replace(output, @"\s*\n", " "));
        Assert.True(CountersOf(checkpoint).CurNimg > 0);
    }

    [SkippableFact]
    public void AMinibatchThatDoesNotSplitOverTheRanksIsRefusedNamingTheFlag()
    {
        var outdir = Path.Combine(folder, "runs");
        var (code, output) = Mpirun.Finish(Mpirun.Start(3, CliHarness.Tool, "train", "--data", CliHarness.TinyDataset(folder), "--outdir", outdir,
            "--batch", "8", "--kimg", "0.008", "--threads", "1"));
        Assert.NotEqual(0, code);
        Assert.Contains("--batch: a minibatch of 8 images does not split evenly over 3 processes", output);
        Assert.False(Directory.Exists(outdir) && Directory.EnumerateFileSystemEntries(outdir).Any(), "a refused run left files behind");
    }

    // NVIDIA's metrics with Inception (random weights in pytorch-fid's layout), the generated images split over 2 ranks:
    // the scores of one process, since the ranks generate the same images and gather their features in order.
    [SkippableFact]
    public void MetricsOnTwoRanksScoreAsOneProcess()
    {
        string Fixture(string name) => ReferenceData.Fixture(Path.Combine("inception", name));
        string[] metrics = [CliHarness.Tool, "metrics", "--network", ReferenceData.Fixture("mixing/stylegan2-ada-uncond-tiny.pkl"), "--data", Fixture("fid/b"),
            "--metrics", "fid10k,kid50k_full,is50k", "--inception", Fixture("inception-narrow.pth"), "--num", "21", "--threads", "1"];
        var alone = Path.Combine(folder, "alone.jsonl");
        var shared = Path.Combine(folder, "shared.jsonl");
        Mpirun.RunAlone([.. metrics, "--json", alone]);
        Mpirun.Run(2, [.. metrics, "--json", shared]);
        var one = File.ReadAllLines(alone).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var two = File.ReadAllLines(shared).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(3, two.Count); // rank 0 alone wrote
        Assert.All(two, row => Assert.Equal(2, row.GetProperty("num_gpus").GetInt32()));
        foreach (var (a, b) in one.Zip(two))
            foreach (var result in a.GetProperty("results").EnumerateObject())
                Assert.Equal(result.Value.GetDouble(), b.GetProperty("results").GetProperty(result.Name).GetDouble(), Math.Abs(result.Value.GetDouble()) * 1e-5 + 1e-9);
    }

    static TrainingCounters CountersOf(string checkpoint)
    {
        using var networks = NetworkFile.Load(checkpoint);
        return NetworkFile.Entry<TrainingCounters>(networks.Metadata, "counters", checkpoint);
    }

    // Every tensor of two checkpoints: the networks' weights and buffers, and the optimizers' moments.
    static void AssertSameRun(string expected, string actual, double tolerance, double? momentTolerance = null)
    {
        long images = CountersOf(expected).CurNimg;
        Assert.True(images > 0);
        Assert.Equal(images, CountersOf(actual).CurNimg);
        using var one = NetworkFile.Load(expected);
        using var two = NetworkFile.Load(actual);
        Assert.Equal(one.State.Keys.Order(), two.State.Keys.Order());
        Assert.Contains(one.State.Keys, key => key.StartsWith("opt.", StringComparison.Ordinal));
        foreach (var (key, tensor) in one.State.Where(kv => kv.Value.is_floating_point()))
            Close.Assert(tensor, two.State[key], key, key.StartsWith("opt.", StringComparison.Ordinal) ? momentTolerance ?? tolerance : tolerance);
    }
}
