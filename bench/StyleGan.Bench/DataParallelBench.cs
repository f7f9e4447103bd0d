using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Networks;
using StyleGan.Training;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Bench;

/// <summary>One all-reduce of float32 gradients on 2 ranks of this host: its size and median time.</summary>
public sealed record AllReduceResult(string Name, long Elements, double Seconds)
{
    public double Bytes => Elements * 4.0;
}

/// <summary>The quick-start preset's training speed with the cores split one way: the median of three runs, and all three.</summary>
public sealed record SplitResult(int Ranks, int ThreadsPerRank, double SecondsPerKimg, IReadOnlyList<double> Runs);

/// <summary>All-reduce bytes and seconds of one minibatch of a network, and the time it would take on more ranks.</summary>
public sealed record ShapeTraffic(string Shape, long GParameters, long DParameters, double BytesPerMinibatch, double SecondsPerMinibatch, IReadOnlyDictionary<int, double> ProjectedSeconds);

/// <summary>
/// Data-parallel training on MPI: the quick-start preset at 1 rank x 2 threads against 2 ranks x 1 thread (and 1 x 1), the
/// all-reduce of each bench shape's gradients (one per phase: G main every minibatch, G's regularization every 4th,
/// D's main every minibatch and its R1 every 16th), and a projection to more ranks from the measured latency and
/// bandwidth with the cost of a ring all-reduce, 2 (N - 1) latency + 2 (N - 1) / N bytes / bandwidth.
/// </summary>
public static class DataParallelBench
{
    const string Marker = "DATAPARALLEL ";

    /// <summary>Ranks the projection covers.</summary>
    public static readonly int[] ProjectedRanks = [2, 4, 8, 16, 32, 64];

    // All-reduces per minibatch, as the lazy regularization intervals of StyleGAN2 (4 and 16) have them.
    const double GReductionsPerMinibatch = 1 + 1 / 4.0, DReductionsPerMinibatch = 1 + 1 / 16.0;

    public static (List<SplitResult> Splits, List<AllReduceResult> Reductions, List<ShapeTraffic> Traffic, double Latency, double Bandwidth) Run(double kimg, int iters)
    {
        var shapes = BenchShape.All.Select(s => (s.Name, s.G, s.D)).Prepend(QuickStart()).ToList();
        var sizes = new List<(string Name, long Elements)>();
        foreach (var (name, g, d) in shapes)
        {
            sizes.Add(($"{name} G", Count(new Generator(g))));
            sizes.Add(($"{name} D", Count(new Discriminator(d))));
        }
        foreach (long elements in new long[] { 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 64_000_000 }) sizes.Add(($"sweep {elements:N0}", elements));
        var reductions = Child(2, ["--allreduce-child", string.Join(",", sizes.Select(s => s.Elements)), "--iters", iters.ToString()])
            .Select((element, i) => new AllReduceResult(sizes[i].Name, sizes[i].Elements, element.GetProperty("seconds").GetDouble())).ToList();
        var (latency, bandwidth) = Fit(reductions.Where(r => r.Name.StartsWith("sweep", StringComparison.Ordinal)).ToList());

        var traffic = shapes.Select(shape =>
        {
            var g = reductions.Single(r => r.Name == $"{shape.Name} G");
            var d = reductions.Single(r => r.Name == $"{shape.Name} D");
            double Ring(int ranks, long elements) => 2 * (ranks - 1) * latency + 2.0 * (ranks - 1) / ranks * elements * 4 / bandwidth;
            return new ShapeTraffic(shape.Name, g.Elements, d.Elements, GReductionsPerMinibatch * g.Bytes + DReductionsPerMinibatch * d.Bytes,
                GReductionsPerMinibatch * g.Seconds + DReductionsPerMinibatch * d.Seconds,
                ProjectedRanks.ToDictionary(n => n, n => GReductionsPerMinibatch * Ring(n, g.Elements) + DReductionsPerMinibatch * Ring(n, d.Elements)));
        }).ToList();

        // The splits in turn, three rounds, and each one's median: this machine's speed drifts by tens of percent.
        (int Ranks, int Threads)[] layouts = [(1, 2), (1, 1), (2, 1)];
        var seconds = layouts.ToDictionary(layout => layout, _ => new List<double>());
        for (int round = 0; round < 3; round++)
            foreach (var (ranks, threads) in layouts)
                seconds[(ranks, threads)].Add(Child(ranks, ["--train-child", kimg.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", threads.ToString()])
                    .Single().GetProperty("sec_per_kimg").GetDouble());
        var splits = layouts.Select(layout => new SplitResult(layout.Ranks, layout.Threads, seconds[layout].Order().ElementAt(1), seconds[layout])).ToList();
        return (splits, reductions, traffic, latency, bandwidth);
    }

    /// <summary>Under mpirun: times an all-reduce of each size (float32), after two warm-ups; rank 0 prints the medians.</summary>
    public static void AllReduceChild(IEnumerable<long> sizes, int iters)
    {
        using var ranks = MpiCollective.Start();
        using var sync = zeros(1);
        foreach (long elements in sizes)
        {
            using var buffer = ones(elements);
            var seconds = new List<double>();
            for (int i = 0; i < iters + 2; i++)
            {
                ranks.AllReduceSum(sync); // start together
                var watch = Stopwatch.StartNew();
                ranks.AllReduceSum(buffer);
                if (i >= 2) seconds.Add(watch.Elapsed.TotalSeconds);
            }
            var times = DataParallel.Sum(ranks, seconds.ToArray()).Select(s => s / ranks.Size).Order().ToList(); // the ranks' mean of each iteration
            if (ranks.Rank == 0) Console.WriteLine(Marker + JsonSerializer.Serialize(new { elements, seconds = times[times.Count / 2] }));
        }
    }

    /// <summary>
    /// One process of the quick-start preset (cpu-tiny on the bundled MNIST), under mpirun or alone, for
    /// <paramref name="kimg"/> thousand images in 4 ticks; rank 0 prints the mean sec/kimg of the last 3.
    /// </summary>
    public static void TrainChild(double kimg)
    {
        var ranks = ProcessGroup.Join();
        var outdir = Directory.CreateTempSubdirectory("bench-data-parallel-").FullName;
        try
        {
            using var data = ImageDataset.Open(Path.Combine("data", "mnist32.zip"));
            var options = Presets.Get("cpu-tiny", data.Resolution) with { TotalKimg = kimg, TickKimg = kimg / 4, SnapKimg = 1e9 };
            using var run = new TrainingRunState(options, data.Resolution, data.Channels, data.LabelDim, data.Path, CPU, ranks);
            var ticks = new List<double>();
            new TrainingLoop(run, data, outdir, CPU, progress =>
            {
                if (progress.Event?.StartsWith("tick", StringComparison.Ordinal) == true) ticks.Add(progress.SecondsPerKimg);
            }).Run(CancellationToken.None);
            if (ranks.Rank == 0) Console.WriteLine(Marker + JsonSerializer.Serialize(new { sec_per_kimg = ticks.Skip(1).Average() }));
        }
        finally
        {
            if (ranks.Rank == 0) Directory.Delete(outdir, recursive: true);
            (ranks as IDisposable)?.Dispose();
        }
    }

    public static Table SplitTable(IEnumerable<SplitResult> splits)
    {
        var table = new Table().Title("The quick-start preset (cpu-tiny, bundled MNIST, batch 32), the machine's 2 cores split two ways");
        foreach (var column in new[] { "ranks x threads", "sec/kimg (median of 3)", "runs", "speed against 1 x 2" }) table.AddColumn(column);
        var first = splits.First();
        foreach (var s in splits)
            table.AddRow($"{s.Ranks} x {s.ThreadsPerRank}", $"{s.SecondsPerKimg:F1}", string.Join(", ", s.Runs.Select(r => $"{r:F1}")), $"{first.SecondsPerKimg / s.SecondsPerKimg:F2}x");
        return table;
    }

    public static Table TrafficTable(IEnumerable<ShapeTraffic> traffic, double latency, double bandwidth)
    {
        var table = new Table().Title($"All-reduce of the gradients per minibatch (float32; measured on 2 ranks of this host, then projected: latency {latency * 1e6:F1} us, bandwidth {bandwidth / 1e9:F2} GB/s)");
        foreach (var column in new[] { "shape", "G params", "D params", "MB / minibatch", "s / minibatch (2 ranks, measured)" }.Concat(ProjectedRanks.Select(n => $"{n} ranks (s)")))
            table.AddColumn(column);
        foreach (var t in traffic)
            table.AddRow([t.Shape, $"{t.GParameters:N0}", $"{t.DParameters:N0}", $"{t.BytesPerMinibatch / 1e6:F1}", $"{t.SecondsPerMinibatch:F4}",
                .. ProjectedRanks.Select(n => $"{t.ProjectedSeconds[n]:F4}")]);
        return table;
    }

    public static Table ReductionTable(IEnumerable<AllReduceResult> reductions)
    {
        var table = new Table().Title("One all-reduce (float32, in place) on 2 ranks of this host, median");
        foreach (var column in new[] { "buffer", "elements", "MB", "seconds", "GB/s" }) table.AddColumn(column);
        foreach (var r in reductions)
            table.AddRow(r.Name, $"{r.Elements:N0}", $"{r.Bytes / 1e6:F2}", $"{r.Seconds:F6}", $"{r.Bytes / r.Seconds / 1e9:F2}");
        return table;
    }

    // The quick-start preset's networks (1 channel, as the bundled MNIST).
    static (string Name, StyleGan.Configs.GeneratorConfig G, StyleGan.Configs.DiscriminatorConfig D) QuickStart()
    {
        var (g, d) = TrainingRunState.NetworkConfigs(Presets.Get("cpu-tiny", 32) with { Augment = AugmentMode.Noaug }, 32, 1, 0);
        return ("cpu-tiny (quick start)", g, d);
    }

    static long Count(nn.Module module)
    {
        using (module) return module.parameters().Sum(p => p.numel());
    }

    // The ring model's two numbers from the sweep: a ring of 2 ranks takes 2 latencies and moves each byte once, so
    // the latency is half the smallest all-reduce's time and the bandwidth the slope between the two largest (a least
    // squares fit over all sizes is ruled by the large ones and put the latency at 100 us, against 30 us measured).
    static (double Latency, double Bandwidth) Fit(List<AllReduceResult> sweep)
    {
        var bySize = sweep.OrderBy(r => r.Elements).ToList();
        var (smaller, largest) = (bySize[^2], bySize[^1]);
        return (bySize[0].Seconds / 2, (largest.Bytes - smaller.Bytes) / (largest.Seconds - smaller.Seconds));
    }

    static List<JsonElement> Child(int ranks, string[] args) =>
        BenchChild.Results(Marker, args, ranks).Select(result => JsonDocument.Parse(result).RootElement).ToList();
}
