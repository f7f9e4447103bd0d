using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using StyleGan.Configs;
using StyleGan.Runtime;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;
using Discriminator = StyleGan.Networks.Discriminator;

namespace StyleGan.Bench;

/// <summary>One measured workload: its seconds per iteration (median) and the peak resident memory of its process.</summary>
/// <param name="FusedLayers">For the measured choice: of the layer shapes measured, how many run fused ("k/n").</param>
public sealed record MemoryResult(string Shape, string Workload, int Batch, double SecondsPerIter, double PeakRssMb, string? FusedLayers = null);

/// <summary>
/// Peak memory needs a process of its own: VmHWM only ever grows. Each workload runs in a fresh child process
/// (this program with --workload), which reports its timing and VmHWM on one line.
/// </summary>
public static class MemoryBench
{
    const string Marker = "MEMORY-RESULT ";

    /// <summary>The workloads of a shape: generation at batch 1 for every shape, training steps where they fit in minutes.</summary>
    public static IEnumerable<(string Workload, int Batch)> Workloads(BenchShape shape, int batch) => shape.Name == "ffhq1024"
        ? [("forward-unfused", 1), ("forward-fused", 1), ("forward-measured", 1)]
        : [("forward-unfused", 1), ("forward-fused", 1), ("forward-measured", 1), ("forward-unfused", batch), ("forward-fused", batch),
            ("forward-measured", batch), ("train-step", batch)];

    /// <summary>Runs each workload (and each network file, loaded and generating one image) in its own process.</summary>
    public static List<MemoryResult> Run(IEnumerable<BenchShape> shapes, IEnumerable<string> files, int batch, int threads)
    {
        var results = new List<MemoryResult>();
        foreach (var shape in shapes)
            foreach (var (workload, b) in Workloads(shape, batch))
                results.Add(Child(["--workload", $"{shape.Name}/{workload}", "--batch", b.ToString(), "--threads", threads.ToString()]));
        foreach (var file in files)
        {
            results.Add(Child(["--workload", $"load/{file}", "--threads", threads.ToString()]));
            results.Add(Child(["--workload", $"generate/{file}", "--threads", threads.ToString()]));
        }
        return results;
    }

    /// <summary>In the child: runs one workload and prints its result line.</summary>
    public static void RunInThisProcess(string workload, int batch, int iters)
    {
        var (what, name) = (workload[..workload.IndexOf('/')], workload[(workload.IndexOf('/') + 1)..]);
        MemoryResult result = what switch
        {
            "load" => Timed(name, "load G_ema", 1, 1, () => { using var networks = NetworkFile.Load(name, NetworkParts.Sampler); }),
            "generate" => LoadAndGenerate(name),
            _ => Network(BenchShape.Named(what), name, batch, iters),
        };
        Console.WriteLine(Marker + JsonSerializer.Serialize(result));
    }

    static MemoryResult LoadAndGenerate(string path)
    {
        var watch = Stopwatch.StartNew();
        using var networks = NetworkFile.Load(path, NetworkParts.Sampler);
        var generator = networks.Sampler;
        using (var scope = NewDisposeScope())
        using (no_grad())
            generator.forward(randn(1, generator.Config.ZDim), Label(generator, 1), 0.7, noiseMode: NoiseMode.Const);
        return new MemoryResult(path, "load G_ema + 1 image", 1, watch.Elapsed.TotalSeconds, PeakRssMb());
    }

    static MemoryResult Network(BenchShape shape, string workload, int batch, int iters)
    {
        using var generator = new Generator(shape.G);
        if (workload == "train-step")
        {
            using var discriminator = new Discriminator(shape.D);
            var version = shape.G.SynthesisKwargs.Input == SynthesisInput.Fourier ? LossVersion.StyleGan3 : LossVersion.StyleGan2Ada;
            var loss = new StyleGan2Loss(generator, discriminator, new torch.Generator(0), r1Gamma: 0, plWeight: 0, version: version);
            var phases = TrainingPhase.Schedule(generator, discriminator, gRegInterval: null, dRegInterval: null);
            var reals = rand(batch, shape.G.ImgChannels, shape.G.ImgResolution, shape.G.ImgResolution) * 2 - 1;
            return Timed(shape.Name, workload, batch, iters, () =>
            {
                foreach (var phase in phases)
                {
                    using var scope = NewDisposeScope();
                    phase.Run(loss, reals, null, randn(batch, shape.G.ZDim), null, curNimg: 0);
                }
            });
        }
        generator.eval();
        // "forward" (StyleGAN3's one path) and "forward-measured" both leave the choice to the network.
        bool? fused = workload switch { "forward-fused" => true, "forward-unfused" => false, _ => null };
        var result = Timed(shape.Name, workload, batch, iters, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            generator.forward(randn(batch, shape.G.ZDim), null, 0.7, noiseMode: NoiseMode.Const, fusedModconv: fused);
        });
        var decisions = ModulatedConvChoice.Decisions.Values;
        return fused is null ? result with { FusedLayers = $"{decisions.Count(d => d.Fused)}/{decisions.Count()}" } : result;
    }

    static Tensor? Label(Generator generator, int batch) =>
        generator.Config.CDim == 0 ? null : nn.functional.one_hot(zeros(batch, dtype: ScalarType.Int64), generator.Config.CDim).to(float32);

    static MemoryResult Timed(string shape, string workload, int batch, int iters, Action body) =>
        new(shape, workload, batch, Measure.Seconds(workload.StartsWith("load", StringComparison.Ordinal) ? 0 : 1, iters, body), PeakRssMb());

    /// <summary>The process's peak resident set size (VmHWM of /proc/self/status), in MB.</summary>
    public static double PeakRssMb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0; // "VmHWM:\t 432140 kB", or with no space once it has 7 digits

    /// <summary>One workload of a shape in a fresh child process.</summary>
    /// <param name="shape">A shape of <see cref="BenchShape"/>.</param>
    /// <param name="workload">forward, forward-fused, forward-unfused, forward-measured or train-step.</param>
    /// <param name="batch">Images per iteration.</param>
    /// <param name="threads">libtorch threads.</param>
    /// <param name="iters">Timed iterations after one warm-up.</param>
    public static MemoryResult InChild(string shape, string workload, int batch, int threads, int iters) =>
        Child(["--workload", $"{shape}/{workload}", "--batch", batch.ToString(), "--threads", threads.ToString(), "--iters", iters.ToString()]);

    static MemoryResult Child(string[] args) => JsonSerializer.Deserialize<MemoryResult>(BenchChild.Results(Marker, args).First())!;

    public static Table Table(IEnumerable<MemoryResult> results, int threads)
    {
        var table = new Table().Title($"Peak memory, each workload in a fresh process ({threads} threads)");
        foreach (var column in new[] { "shape / file", "workload", "batch", "s/iter", "s/image", "peak RSS (MB)", "fused layer shapes" }) table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Shape), r.Workload, r.Batch.ToString(), $"{r.SecondsPerIter:F3}", $"{r.SecondsPerIter / r.Batch:F3}", $"{r.PeakRssMb:F0}",
                r.FusedLayers ?? "");
        return table;
    }
}
