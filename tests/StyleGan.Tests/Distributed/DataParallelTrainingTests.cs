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

    // The cpu-tiny preset without augmentation in float64, one minibatch of 16 (G main, G's path length, D main and
    // R1 all run at minibatch 0): every tensor of G, D and G_ema as one process computes it. The largest difference,
    // 6e-11, is in a noise strength, whose gradient sums float32 noise (drawn in float32, as NVIDIA's) and is near
    // Adam's epsilon (see below).
    [SkippableFact]
    public void OneMinibatchOnTwoRanksEqualsOneProcessInFloat64()
    {
        var alone = Path.Combine(folder, "alone");
        var shared = Path.Combine(folder, "shared");
        Mpirun.RunAlone(Mpirun.Host, "train", ReferenceData.Bundled("mnist32.zip"), alone, "float64", "16");
        Mpirun.Run(2, Mpirun.Host, "train", ReferenceData.Bundled("mnist32.zip"), shared, "float64", "16");
        AssertSameRun(Checkpoint.Newest(alone)!, Checkpoint.Newest(shared)!, 1e-9, expectedImages: 16);
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
            1e-4, expectedImages: 32);
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

    static TrainingCounters CountersOf(string checkpoint)
    {
        using var networks = NetworkFile.Load(checkpoint);
        return NetworkFile.Entry<TrainingCounters>(networks.Metadata, "counters", checkpoint);
    }

    static void AssertSameRun(string expected, string actual, double tolerance, long expectedImages)
    {
        Assert.Equal(expectedImages, CountersOf(expected).CurNimg);
        Assert.Equal(expectedImages, CountersOf(actual).CurNimg);
        using var one = NetworkFile.Load(expected);
        using var two = NetworkFile.Load(actual);
        foreach (var (name, a, b) in new (string, TorchSharp.torch.nn.Module?, TorchSharp.torch.nn.Module?)[] { ("G", one.G, two.G), ("D", one.D, two.D), ("G_ema", one.GEma, two.GEma) })
        {
            var states = b!.state_dict();
            foreach (var (key, tensor) in a!.state_dict())
                Close.Assert(tensor, states[key], $"{name}.{key}", tolerance);
        }
    }
}
