using Spectre.Console;

namespace StyleGan.Bench;

/// <summary>One StyleGAN3 (or StyleGAN2 beside it) workload, ours and NVIDIA's, each in a fresh process.</summary>
public sealed record StyleGan3Result(string Shape, string Workload, int Batch, double Seconds, double PeakRssMb, double? NvidiaSeconds, double? NvidiaPeakRssMb);

/// <summary>
/// StyleGAN3's forward pass at small64's size beside StyleGAN2's small64, its training step at the CPU presets' size
/// beside cpu-tiny's, and its FFHQ-1024 forward pass at batch 1; NVIDIA's stylegan3 code on the same machine in the same run (bench/official/measure_stylegan3.py,
/// Debian's PyTorch) where its sources are given.
/// </summary>
public static class StyleGan3Bench
{
    static readonly string Script = Path.Combine("bench", "official", "measure_stylegan3.py");

    /// <summary>
    /// The workloads: (shape, workload, batch, NVIDIA's too). Training steps at the CPU presets' sizes: at small64's,
    /// one step of NVIDIA's R code at batch 4 took 193 s here. FFHQ-1024 for config T only: R's 1024 channels at the
    /// low resolutions would take most of an hour a pass on two cores.
    /// </summary>
    public static IEnumerable<(string Shape, string Workload, int Batch, bool Nvidia)> Workloads(int batch) =>
    [
        ("small64", "forward-measured", 1, false), ("sg3t-small64", "forward", 1, true), ("sg3r-small64", "forward", 1, true),
        ("small64", "forward-measured", batch, false), ("sg3t-small64", "forward", batch, true), ("sg3r-small64", "forward", batch, true),
        ("tiny32", "train-step", batch, false), ("sg3t-cpu32", "train-step", batch, true), ("sg3r-cpu32", "train-step", batch, true),
        ("sg3t-ffhq1024", "forward", 1, true),
    ];

    /// <param name="batch">The batch of the batched workloads.</param>
    /// <param name="threads">libtorch threads, both sides.</param>
    /// <param name="iters">Timed iterations after one warm-up.</param>
    /// <param name="stylegan3Sources">NVIDIA's stylegan3 sources, or null: ours alone.</param>
    /// <param name="shapes">Only these shapes' workloads (null: all).</param>
    public static List<StyleGan3Result> Run(int batch, int threads, int iters, string? stylegan3Sources, IReadOnlySet<string>? shapes = null)
    {
        var results = new List<StyleGan3Result>();
        foreach (var (shape, workload, b, nvidia) in Workloads(batch).Where(w => shapes is null || shapes.Contains(w.Shape)))
        {
            int n = shape.EndsWith("ffhq1024", StringComparison.Ordinal) ? 1 : iters;
            var ours = MemoryBench.InChild(shape, workload, b, threads, n);
            double? theirSeconds = null, theirRss = null;
            if (nvidia && stylegan3Sources is not null)
            {
                var their = OfficialBaseline.Result(Script, ["--src", stylegan3Sources, "--threads", threads.ToString(), "--iters", n.ToString(), shape, workload, b.ToString()]);
                theirSeconds = their.GetProperty("iter_s").GetDouble();
                theirRss = their.GetProperty("peak_rss_kib").GetDouble() / 1024;
            }
            var row = new StyleGan3Result(shape, workload, b, ours.SecondsPerIter, ours.PeakRssMb, theirSeconds, theirRss);
            Console.Error.WriteLine($"  {row}");
            results.Add(row);
        }
        return results;
    }

    public static Table Table(IEnumerable<StyleGan3Result> results, int threads)
    {
        var table = new Table().Title($"StyleGAN3 beside StyleGAN2 and NVIDIA's stylegan3 code, each workload in a fresh process ({threads} threads)");
        foreach (var column in new[] { "shape", "workload", "batch", "ours s/iter", "ours peak RSS (MB)", "NVIDIA s/iter", "NVIDIA peak RSS (MB)", "NVIDIA / ours" })
            table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(r.Shape, r.Workload, r.Batch.ToString(), $"{r.Seconds:F3}", $"{r.PeakRssMb:F0}", r.NvidiaSeconds is double s ? $"{s:F3}" : "-",
                r.NvidiaPeakRssMb is double m ? $"{m:F0}" : "-", r.NvidiaSeconds is double t ? $"{t / r.Seconds:F2}x" : "-");
        return table;
    }
}
