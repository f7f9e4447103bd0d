using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using StyleGan.Bench;
using StyleGan.Configs;
using StyleGan.Metrics;
using StyleGan.Networks;
using StyleGan.Runtime;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

// Measures images/s of the generator's forward pass and of one training step on the issue's two shapes.
// Usage: dotnet run -c Release --project bench/StyleGan.Bench -- [--shapes cifar32,small64|none] [--batch 16] [--iters 3] [--threads 0] [--out DIR] [--presets all|NAME,NAME] [--official]
//        (--official: also NVIDIA's training step on Debian's PyTorch, in this run; see bench/official/README.md)
//        dotnet run -c Release --project bench/StyleGan.Bench -- --stylegan3 [--stylegan3-src SOURCES/stylegan3] [--shapes sg3t-ffhq1024,...] [--batch 16] [--iters 3] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --data-parallel [--kimg 0.512] [--iters 20] [--out DIR]   (needs Open MPI's mpirun)
//        dotnet run -c Release --project bench/StyleGan.Bench -- --memory [--shapes cifar32,small64,ffhq1024] [--files A.pkl,B.safetensors] [--batch 16] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --conv [--kernels checked|libtorch] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --curve RUN_FOLDER [--num 10000] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --coverage FOLDER,FOLDER [--out DIR]   (classes the bundled classifier finds in folders of images)
//        dotnet run -c Release --project bench/StyleGan.Bench -- --metrics [--batch 16] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --augment [--shapes cpu-tiny,cifar32,small64] [--batch 16] [--iters 3] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --ada-compare RUN_A,RUN_B [--num 10000] [--threads 0] [--out DIR]
//        dotnet run -c Release --project bench/StyleGan.Bench -- --serve [--shapes cifar32,small64,ffhq1024] [--iters 30] [--clients 8] [--threads 0] [--out DIR]
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}
TorchRuntime.EnsureLoaded();
ModulatedConvChoice.CacheFile = null; // every bench process measures the choice afresh, within its warm-up
int threads = TorchRuntime.SetThreads(options.Threads);
if (options.AllReduceSizes is { } allReduceSizes)
{
    DataParallelBench.AllReduceChild(allReduceSizes, options.Iters);
    return 0;
}
if (options.TrainKimg is double trainKimg)
{
    DataParallelBench.TrainChild(trainKimg);
    return 0;
}
if (options.Workload is string workload)
{
    manual_seed(0);
    MemoryBench.RunInThisProcess(workload, options.Batch, options.Iters);
    return 0;
}
manual_seed(0);
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200; // keep the tables readable in logs
Directory.CreateDirectory(options.OutDir);
string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss");

if (options.Coverage is { } coverageFolders)
{
    CoverageBench.Run(coverageFolders, Path.Combine("data", "mnist-classifier.safetensors"), Path.Combine(options.OutDir, $"coverage-{stamp}.json"));
    return 0;
}

if (options.Curve is string runFolder)
{
    // The Inception column needs pytorch-fid's weights; where they are not in the cache folder, the table says so instead of a number.
    string? inception = File.Exists(InceptionV3.Published.CachePath) ? InceptionV3.Published.CachePath : null;
    if (inception is null) Console.WriteLine($"No {InceptionV3.Published.Name} in {StyleGan.Runtime.CacheFolder.Path}: the curve has no Inception-FID column.");
    var points = TrainingCurve.Measure(runFolder, Path.Combine("data", "mnist32.zip"), Path.Combine("data", "mnist-classifier.safetensors"), options.Num, inception);
    AnsiConsole.Write(TrainingCurve.Table(points, runFolder, options.Num));
    string curveFile = Path.Combine(options.OutDir, $"curve-{stamp}");
    TrainingCurve.SaveJson(curveFile + ".json", points, runFolder, threads);
    TrainingCurve.SaveChart(curveFile + ".png", points, $"FID-MNIST of G_ema, {Path.GetFileName(Path.TrimEndingDirectorySeparator(runFolder))}");
    Console.WriteLine($"wrote {curveFile}.json and .png");
    return 0;
}

// A bench's rows as bench/results JSON, beside the machine, the library versions, the convolution kernels, the threads,
// the batch and what else the mode names.
void SaveReport(string kind, object rows, int? batch = null, params (string Key, object? Value)[] extra)
{
    var report = new Dictionary<string, object?>
    {
        ["date"] = DateTime.UtcNow.ToString("o"),
        ["machine"] = new
        {
            cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, cpu = TorchRuntime.CpuModel(),
            kernels = ConvolutionCheck.Ensure().ToString(),
        },
        ["versions"] = TorchRuntime.Versions().ToDictionary(v => v.Name, v => v.Value),
        ["threads"] = threads,
        ["batch"] = batch ?? options.Batch,
    };
    foreach (var (key, value) in extra) report[key] = value;
    report["results"] = rows;
    string file = Path.Combine(options.OutDir, $"{kind}-{stamp}.json");
    File.WriteAllText(file, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    Console.WriteLine($"wrote {file}");
}

if (options.AdaCompare is { } comparedRuns)
{
    AdaComparison.Run(comparedRuns, Path.Combine("data", "mnist32.zip"), Path.Combine("data", "mnist-classifier.safetensors"), options.Num,
        Path.Combine(options.OutDir, $"ada-{stamp}"), threads);
    return 0;
}

if (options.Metrics)
{
    var metricRows = MetricsBench.Run(options.Batch);
    AnsiConsole.Write(MetricsBench.Table(metricRows, threads));
    SaveReport("metrics", metricRows);
    return 0;
}

if (options.Augment)
{
    var augmentRows = AugmentBench.Run(options.Batch, options.Warmup, options.Iters, options.ShapesGiven ? options.Shapes : null);
    AnsiConsole.Write(AugmentBench.Table(augmentRows, threads));
    SaveReport("augment", augmentRows);
    return 0;
}

if (options.Serve)
{
    var serveShapes = BenchShape.All.Where(s => options.ShapesGiven ? options.Shapes.Contains(s.Name) : s.Name != "ffhq1024");
    var serveRows = ServeBench.Run(serveShapes, options.Warmup, options.Iters, options.Clients, perClient: Math.Max(1, options.Iters / 2));
    AnsiConsole.Write(ServeBench.Table(serveRows, threads));
    SaveReport("serve", serveRows, batch: 1);
    return 0;
}

if (options.Convolutions)
{
    string kernelsName = options.Kernels == "libtorch" ? ConvolutionCheck.UseLibTorchKernels().ToString() : ConvolutionCheck.Ensure().ToString();
    var convolutionRows = ConvolutionBench.Run(kernelsName, options.Warmup, options.Iters, threads);
    AnsiConsole.Write(ConvolutionBench.Table(convolutionRows, threads));
    string convolutionFile = Path.Combine(options.OutDir, $"convolutions-{stamp}.json");
    File.WriteAllText(convolutionFile, JsonSerializer.Serialize(new
    {
        date = DateTime.UtcNow.ToString("o"),
        machine = new { cores = Environment.ProcessorCount, cpu = TorchRuntime.CpuModel(), kernels = ConvolutionCheck.Describe() },
        threads,
        results = convolutionRows,
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    Console.WriteLine($"wrote {convolutionFile}");
    return 0;
}

if (options.DataParallel)
{
    var (splits, reductions, traffic, latency, bandwidth) = DataParallelBench.Run(options.Kimg, options.Iters);
    AnsiConsole.Write(DataParallelBench.SplitTable(splits));
    AnsiConsole.Write(DataParallelBench.ReductionTable(reductions));
    AnsiConsole.Write(DataParallelBench.TrafficTable(traffic, latency, bandwidth));
    SaveReport("data-parallel", new { splits, reductions, traffic, latency_s = latency, bandwidth_bytes_per_s = bandwidth }, batch: 32,
        ("mpi", "Open MPI, mpirun -np 2 on this host"));
    return 0;
}

if (options.StyleGan3)
{
    var stylegan3Rows = StyleGan3Bench.Run(options.Batch, threads, options.Iters, options.StyleGan3Sources, options.ShapesGiven ? options.Shapes : null);
    AnsiConsole.Write(StyleGan3Bench.Table(stylegan3Rows, threads));
    SaveReport("stylegan3", stylegan3Rows, extra: ("nvidia_sources", options.StyleGan3Sources));
    return 0;
}

if (options.Memory)
{
    var memoryShapes = options.ShapesGiven ? BenchShape.All.Where(s => options.Shapes.Contains(s.Name)) : BenchShape.All;
    var memoryRows = MemoryBench.Run(memoryShapes, options.Files, options.Batch, threads);
    AnsiConsole.Write(MemoryBench.Table(memoryRows, threads));
    SaveReport("memory", memoryRows);
    return 0;
}

if (options.Official && OfficialBaseline.Unavailable() is string noOfficial)
{
    Console.Error.WriteLine($"bench: --official needs Debian's PyTorch and NVIDIA's sources: {noOfficial}.");
    return 1;
}
double matmulGflops = Measure.MatmulGflops();
string cpu = TorchRuntime.CpuModel();
var convolutionKernels = ConvolutionCheck.Ensure();
var rows = new List<BenchResult>();
var presetRows = PresetBench.Run(options.Presets, options.Warmup, options.Iters);
foreach (var shape in BenchShape.All.Where(s => options.Shapes.Contains(s.Name) && s.Name != "ffhq1024"))
{
    using var generator = new Generator(shape.G);
    using var discriminator = new Discriminator(shape.D);

    generator.eval();
    foreach (bool? fused in new bool?[] { true, false, null })
    {
        ModulatedConvChoice.Reset(); // the measured choice is taken afresh, within the warm-up
        var forward = Measure.Seconds(options.Warmup, options.Iters, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            generator.forward(randn(options.Batch, shape.G.ZDim), null, noiseMode: NoiseMode.Const, fusedModconv: fused);
        });
        var name = fused switch
        {
            true => "G forward, eval, noise const (fused modconv, official default)",
            false => "G forward, eval, noise const (unfused modconv)",
            null => "G forward, eval, noise const (measured choice per layer shape)",
        };
        rows.Add(new BenchResult(shape.Name, name, options.Batch, threads, forward, FlopCount.GeneratorForward(shape.G)));
    }

    generator.train();
    var random = new torch.Generator(0);
    var loss = new StyleGan2Loss(generator, discriminator, random, r1Gamma: 0, plWeight: 0);
    var phases = TrainingPhase.Schedule(generator, discriminator, gRegInterval: null, dRegInterval: null);
    var reals = rand(options.Batch, shape.G.ImgChannels, shape.G.ImgResolution, shape.G.ImgResolution) * 2 - 1;
    var train = Measure.Seconds(options.Warmup, options.Iters, () =>
    {
        foreach (var phase in phases)
        {
            using var scope = NewDisposeScope();
            phase.Run(loss, reals, null, randn(options.Batch, shape.G.ZDim), null, curNimg: 0);
        }
    });
    rows.Add(new BenchResult(shape.Name, "train step: G then D, no reg", options.Batch, threads, train, FlopCount.TrainingStep(shape.G, shape.D)));
    if (options.Official)
    {
        // NVIDIA's networks and loss on Debian's PyTorch, the same step at batch 16, in this run.
        var official = OfficialBaseline.Measure(threads, "_train", shape.Name, "--batch", options.Batch.ToString(), "--iters", options.Iters.ToString());
        rows.Add(new BenchResult(shape.Name, $"train step, NVIDIA's code (PyTorch {official.GetProperty("torch").GetString()})", options.Batch, threads,
            official.GetProperty("iter_s").GetDouble(), FlopCount.TrainingStep(shape.G, shape.D)));
    }
}

var editingRows = EditingBench.Run(BenchShape.All.Where(s => options.Shapes.Contains(s.Name) && s.Name != "ffhq1024"), options.Batch);

var table = new Table().Title($"StyleGAN bench: {cpu}, {Environment.ProcessorCount} cores, {threads} threads, " +
    $"matmul {matmulGflops:F1} GFLOP/s (2048x2048 fp32), convolutions by {convolutionKernels}");
foreach (var column in new[] { "shape", "workload", "batch", "threads", "s/iter", "images/s", "GFLOP/image", "GFLOP/s", "% of matmul" })
    table.AddColumn(column);
foreach (var r in rows)
    table.AddRow(r.Shape, r.Workload, r.Batch.ToString(), r.Threads.ToString(), $"{r.SecondsPerIter:F3}", $"{r.ImagesPerSecond:F2}",
        $"{r.FlopsPerImage / 1e9:F2}", $"{r.Gflops:F1}", $"{100 * r.Gflops / matmulGflops:F0}%");
AnsiConsole.Write(table);
if (editingRows.Count > 0) AnsiConsole.Write(EditingBench.Table(editingRows, threads));
if (presetRows.Count > 0) AnsiConsole.Write(PresetBench.Table(presetRows, threads));

var file = Path.Combine(options.OutDir, $"bench-{stamp}.json");
var report = new
{
    date = DateTime.UtcNow.ToString("o"),
    machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, cpu },
    versions = TorchRuntime.Versions().ToDictionary(v => v.Name, v => v.Value),
    threads,
    matmul_gflops = matmulGflops,
    convolution_kernels = convolutionKernels.ToString(),
    results = rows,
    editing = editingRows,
    presets = presetRows,
};
File.WriteAllText(file, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
Console.WriteLine($"wrote {file}");
return 0;

sealed record BenchResult(string Shape, string Workload, int Batch, int Threads, double SecondsPerIter, double FlopsPerImage)
{
    public double ImagesPerSecond => Batch / SecondsPerIter;
    public double Gflops => FlopsPerImage * Batch / SecondsPerIter / 1e9;
}

sealed record BenchOptions(HashSet<string> Shapes, int Batch, int Warmup, int Iters, int Threads, string OutDir, IReadOnlyList<string> Presets, string? Curve, int Num)
{
    public bool Memory { get; init; }
    public bool StyleGan3 { get; init; }
    public string? StyleGan3Sources { get; init; }
    public bool Convolutions { get; init; }
    public bool Metrics { get; init; }
    public bool Augment { get; init; }
    public bool Serve { get; init; }
    public bool Official { get; init; }
    public int Clients { get; init; } = 8;
    public IReadOnlyList<string>? AdaCompare { get; init; }
    public IReadOnlyList<string>? Coverage { get; init; }
    public string Kernels { get; init; } = "checked";
    public bool ShapesGiven { get; init; }
    public IReadOnlyList<string> Files { get; init; } = [];
    public string? Workload { get; init; }
    public bool DataParallel { get; init; }
    public double Kimg { get; init; } = 0.512;
    public IReadOnlyList<long>? AllReduceSizes { get; init; }
    public double? TrainKimg { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(BenchShape.All.Select(s => s.Name).ToHashSet(), 16, 1, 3, 0, Path.Combine("bench", "results"), Array.Empty<string>(), null, 10000);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--shapes" => o with { Shapes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), ShapesGiven = true },
                "--memory" => o with { Memory = true },
                "--stylegan3" => o with { StyleGan3 = true },
                "--stylegan3-src" => o with { StyleGan3Sources = Next() },
                "--conv" => o with { Convolutions = true },
                "--metrics" => o with { Metrics = true },
                "--augment" => o with { Augment = true },
                "--serve" => o with { Serve = true },
                "--official" => o with { Official = true },
                "--clients" => o with { Clients = int.Parse(Next()) },
                "--ada-compare" => o with { AdaCompare = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--coverage" => o with { Coverage = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--kernels" => o with { Kernels = Next() is var k && k is "checked" or "libtorch" ? k : throw new ArgumentException($"--kernels {k}: use checked or libtorch") },
                "--files" => o with { Files = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--workload" => o with { Workload = Next() },
                "--data-parallel" => o with { DataParallel = true },
                "--kimg" => o with { Kimg = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--allreduce-child" => o with { AllReduceSizes = Next().Split(',').Select(long.Parse).ToList() },
                "--train-child" => o with { TrainKimg = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--batch" => o with { Batch = int.Parse(Next()) },
                "--warmup" => o with { Warmup = int.Parse(Next()) },
                "--iters" => o with { Iters = int.Parse(Next()) },
                "--threads" => o with { Threads = int.Parse(Next()) },
                "--out" => o with { OutDir = Next() },
                "--presets" => o with { Presets = PresetList(Next()) },
                "--curve" => o with { Curve = Next() },
                "--num" => o with { Num = int.Parse(Next()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; options: --shapes (none: skip) --batch --warmup --iters --threads --out --presets all|NAME,NAME --curve RUN --num N --memory --files A,B --conv --kernels checked|libtorch --official --metrics --augment --serve --clients N --ada-compare RUN_A,RUN_B --coverage FOLDER,FOLDER"),
            };
        }
        return o;
    }

    static IReadOnlyList<string> PresetList(string value)
    {
        if (value == "all") return StyleGan.Training.Presets.Names;
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !StyleGan.Training.Presets.Names.Contains(n)).ToList();
        return unknown.Count == 0 ? names
            : throw new ArgumentException($"Unknown preset {string.Join(", ", unknown)}; use all or some of {string.Join(", ", StyleGan.Training.Presets.Names)}");
    }
}

public static class Measure
{
    /// <summary>Median seconds of <paramref name="iters"/> runs after <paramref name="warmup"/> unmeasured ones.</summary>
    public static double Seconds(int warmup, int iters, Action body)
    {
        for (int i = 0; i < warmup; i++) body();
        var times = new List<double>();
        for (int i = 0; i < iters; i++)
        {
            var watch = Stopwatch.StartNew();
            body();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>The machine's float32 matrix-multiply rate with the current thread count: the ceiling to compare with.</summary>
    public static double MatmulGflops(int n = 2048)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n);
        var b = randn(n, n);
        double seconds = Seconds(2, 5, () => { using var s = NewDisposeScope(); a.matmul(b); });
        return 2.0 * n * n * n / seconds / 1e9;
    }
}
