using System.Diagnostics;
using System.Text.Json;
using StyleGan.Files;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Runtime;

/// <summary>How the modulated convolution picks between its two equal paths when the caller does not say.</summary>
public enum ModulatedConvPolicy
{
    /// <summary>On CPU without gradients, time both paths once per shape and batch and keep the faster.</summary>
    Measured,
    /// <summary>Always the grouped convolution with per-sample weights.</summary>
    Fused,
    /// <summary>Always the shared convolution between scaled activations.</summary>
    Unfused,
}

/// <summary>
/// The fused/unfused choice of the modulated convolution, taken from measurement. Which path is faster on a CPU
/// depends on the shape and the batch in ways no rule caught: on a Zen 3 machine small64 at batch 16 is faster fused
/// (72.8 against 65.1 img/s) and cifar32 unfused (5.76 against 3.20); within one 1024x1024 image the 512-channel
/// layers up to 32x32 are faster unfused and the larger ones fused. So the first call of each shape runs both paths on
/// its real input, twice each (the first run of a shape pays libtorch's set-up), keeps the faster, and returns a
/// result of that path; later calls run only the chosen path. The choices are kept in <see cref="CacheFile"/> per
/// machine, so a later process neither pays the measurement again nor chooses differently: both paths compute the
/// same function but round differently, and a run should give the same pixels as the last one.
/// </summary>
public static class ModulatedConvChoice
{
    /// <summary>The policy for calls that leave the path open (process-wide, like the thread count).</summary>
    public static ModulatedConvPolicy Policy { get; set; } = ModulatedConvPolicy.Measured;

    /// <summary>Where measured choices are kept between processes (null: only in this process).</summary>
    public static string? CacheFile { get; set; } = Path.Combine(CacheFolder.Path, "modconv-choices.json");

    /// <summary>One measured choice: the path kept and the seconds of each path's second run.</summary>
    public sealed record Decision(bool Fused, double FusedSeconds, double UnfusedSeconds);

    static readonly object sync = new();
    static readonly object measuring = new();
    static Dictionary<string, Decision>? decisions;

    /// <summary>The choices known in this process (measured or read from the cache file), by shape key.</summary>
    public static IReadOnlyDictionary<string, Decision> Decisions
    {
        get { lock (sync) return new Dictionary<string, Decision>(Known()); }
    }

    /// <summary>Forgets the choices held in this process; the next call reads <see cref="CacheFile"/> again.</summary>
    public static void Reset()
    {
        lock (sync) decisions = null;
    }

    /// <summary>
    /// Runs the path the policy and the measurements pick. Calls that record gradients take the unfused path on CPU
    /// (timing a forward says nothing about its backward, and training uses it) and the fused one on CUDA, as the
    /// official code does in evaluation.
    /// </summary>
    /// <param name="x">The input activations (their shape, dtype and device are part of the key).</param>
    /// <param name="weight">The shared weight [O, I, kh, kw].</param>
    /// <param name="shapeKey">The rest of what makes the work differ: resampling, padding, demodulation.</param>
    /// <param name="compute">The convolution, given fused (true) or unfused (false).</param>
    public static Tensor Run(Tensor x, Tensor weight, string shapeKey, Func<bool, Tensor> compute)
    {
        if (Policy != ModulatedConvPolicy.Measured) return compute(Policy == ModulatedConvPolicy.Fused);
        if (x.device_type != DeviceType.CPU) return compute(true);
        if (is_grad_enabled() && (x.requires_grad || weight.requires_grad)) return compute(false);

        string key = $"{string.Join('x', x.shape)} {string.Join('x', weight.shape)} {x.dtype} {shapeKey} threads {get_num_threads()}";
        if (Known(key) is Decision known) return compute(known.Fused);

        // One measurement at a time: two threads meeting a new shape together (a server's renders beside a
        // projection) would time each other's work and could choose differently, and then the same input would
        // give two images. The second waits and takes the first one's choice.
        lock (measuring)
        {
            if (Known(key) is Decision chosen) return compute(chosen.Fused);
            // Alternate the paths so that neither is timed on a warmer cache than the other, and hold one result at
            // a time, so that measuring needs no more memory than running.
            compute(true).Dispose();
            compute(false).Dispose();
            var (fused, fusedSeconds) = Timed(() => compute(true));
            fused.Dispose();
            var (unfused, unfusedSeconds) = Timed(() => compute(false));
            var decision = new Decision(fusedSeconds <= unfusedSeconds, fusedSeconds, unfusedSeconds);
            lock (sync)
            {
                Known()[key] = decision;
                Save(key, decision);
            }
            if (!decision.Fused) return unfused;
            unfused.Dispose();
            return compute(true);
        }
    }

    static Decision? Known(string key)
    {
        lock (sync) return Known().GetValueOrDefault(key);
    }

    static (Tensor Result, double Seconds) Timed(Func<Tensor> compute)
    {
        var clock = Stopwatch.StartNew();
        var result = compute();
        return (result, clock.Elapsed.TotalSeconds);
    }

    // What makes timings of one machine unfit for another: the CPU, its cores, libtorch and its convolution kernels.
    static string MachineKey() => $"{TorchRuntime.CpuModel()}, {Environment.ProcessorCount} cores, libtorch {__version__}, {ConvolutionCheck.Ensure()}";

    static Dictionary<string, Decision> Known() => decisions ??= new Dictionary<string, Decision>(ReadCache().GetValueOrDefault(MachineKey()) ?? []);

    static Dictionary<string, Dictionary<string, Decision>> ReadCache()
    {
        if (CacheFile is null || !File.Exists(CacheFile)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Decision>>>(File.ReadAllText(CacheFile)) ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A cache holds nothing that cannot be measured again: an unreadable one is measured afresh and replaced.
            Console.Error.WriteLine($"stylegan: note: the cache file {CacheFile} is unreadable ({e.Message.Split('\n')[0]}); measuring again and replacing it.");
            return [];
        }
    }

    static void Save(string key, Decision decision)
    {
        if (CacheFile is null) return;
        // Another process may have added choices since this one read the file: merge, then replace the file whole.
        var all = ReadCache();
        string machine = MachineKey();
        if (!all.TryGetValue(machine, out var mine)) all[machine] = mine = [];
        mine[key] = decision;
        try
        {
            AtomicFile.Write(CacheFile, stream => JsonSerializer.Serialize(stream, all, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written (a read-only home) costs the measurement again next time, nothing else.
        }
    }
}
