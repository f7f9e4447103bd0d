using System.Text.Json;
using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Runtime;
using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.MpiHost;

/// <summary>
/// Runs as each rank of mpirun (or as one process alone) for the tests of data parallelism:
/// <c>collectives REPORT</c> checks each collective call against sums every rank can compute, and
/// <c>train DATA OUTDIR float32|float64 BATCH CFG</c> trains one minibatch of a preset (without augmentation, which
/// is float32 only) in that precision and writes its checkpoint.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(1);
        var ranks = ProcessGroup.Join();
        try
        {
            switch (args)
            {
                case ["collectives", var report]:
                    Collectives(ranks, report);
                    break;
                case ["train", var data, var outdir, var precision, var batch, var cfg]:
                    Train(ranks, data, outdir, precision == "float64" ? ScalarType.Float64 : ScalarType.Float32, int.Parse(batch), cfg);
                    break;
                default:
                    Console.Error.WriteLine("usage: StyleGan.MpiHost collectives REPORT | train DATA OUTDIR float32|float64 BATCH CFG");
                    return 2;
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"rank {ranks.Rank}: {e}");
            ranks.Abort(1);
        }
        (ranks as IDisposable)?.Dispose();
        return 0;
    }

    static void Collectives(ICollective ranks, string report)
    {
        var failures = new List<string>();
        int n = ranks.Size;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Int64 })
        {
            // Rank r holds (r + 1) * [0, 1, ...]; the sum is n (n + 1) / 2 times that.
            var x = arange(1000, dtype: dtype) * (ranks.Rank + 1);
            ranks.AllReduceSum(x);
            if (!x.Equals(arange(1000, dtype: dtype) * (n * (n + 1) / 2))) failures.Add($"AllReduceSum {dtype} on rank {ranks.Rank}");
        }
        var broadcast = full(7, ranks.Rank == 0 ? 42.5 : -1.0, dtype: float64);
        ranks.Broadcast(broadcast);
        if (!broadcast.Equals(full(7, 42.5, dtype: float64))) failures.Add($"Broadcast on rank {ranks.Rank}");
        var bytes = full(5, ranks.Rank == 0 ? (byte)200 : (byte)1, dtype: uint8);
        ranks.Broadcast(bytes);
        if (!bytes.Equals(full(5, (byte)200, dtype: uint8))) failures.Add($"Broadcast uint8 on rank {ranks.Rank}");
        var gathered = ranks.AllGather(full(new long[] { 2, 3 }, ranks.Rank, dtype: int64));
        if (!gathered.Equals(arange(n, dtype: int64).reshape(n, 1, 1).expand(n, 2, 3))) failures.Add($"AllGather on rank {ranks.Rank}");
        var share = new BatchShare(ranks);
        var rows = share.Take(arange(4L * n));
        if (!rows.Equals(arange(4L * n).reshape(4, n).select(1, ranks.Rank))) failures.Add($"BatchShare.Take on rank {ranks.Rank}");

        // Every rank's failures, gathered by count so that rank 0 reports them all.
        var counts = ranks.AllGather(tensor(new long[] { failures.Count }));
        if (ranks.Rank == 0)
            File.WriteAllText(report, JsonSerializer.Serialize(new { size = n, failuresPerRank = counts.flatten().data<long>().ToArray(), failures }));
    }

    static void Train(ICollective ranks, string dataPath, string outdir, ScalarType dtype, int batch, string cfg)
    {
        using var data = ImageDataset.Open(dataPath);
        var options = Presets.Get(cfg, data.Resolution) with { Batch = batch, TotalKimg = batch / 1000.0, Augment = AugmentMode.Noaug, Seed = 7 };
        using var run = new TrainingRunState(options, data.Resolution, data.Channels, data.LabelDim, Path.GetFullPath(dataPath), CPU, ranks, dtype);
        new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
    }
}
