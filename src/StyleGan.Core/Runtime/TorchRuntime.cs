using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Runtime;

/// <summary>Loading libtorch, choosing the device and thread count: the process-wide settings every command shares.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads libtorch, or throws one clear message with the fix: the application references no libtorch package, or
    /// this system's libstdc++ is too old for libLibTorchSharp.so and no weak copy could help (see
    /// <see cref="LibTorchSharpFallback"/>).
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            InitializeDeviceType(DeviceType.CPU);
            ConvolutionCheck.Ensure();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or BadImageFormatException)
        {
            string cause = (LibTorchSharpFallback.Failure ?? Innermost(e).Message.Split('\n')[0].Trim()).TrimEnd('.');
            throw new TorchUnavailableException(
                $"libtorch could not be loaded ({cause}). The application needs one libtorch package (TorchSharp-cpu, or TorchSharp-cuda-linux / " +
                $"TorchSharp-cuda-windows for NVIDIA GPUs) and, on Linux, a libstdc++ with GLIBCXX_3.4.32 (GCC 13+) or a writable cache folder " +
                $"(${CacheFolder.Variable}, else ~/.cache/stylegan) for the copy of libLibTorchSharp.so that does without it.", e);
        }
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" and checks that the device exists in this build.</summary>
    public static Device ParseDevice(string name)
    {
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized == "cpu") return CPU;
        if (normalized == "cuda" || normalized.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidValueException("Device", $"the device '{name}' is not available: this build uses TorchSharp-cpu or no GPU is visible. " +
                    "Reference TorchSharp-cuda-linux or TorchSharp-cuda-windows instead of TorchSharp-cpu (this repository: build or pack with -p:TorchBackend=cuda) " +
                    "on a machine with CUDA, or compute on the cpu device.");
            return device(normalized);
        }
        throw new InvalidValueException("Device", $"unknown device '{name}': use cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Sets libtorch's intra-op threads: 0 for all cores; more than the cores is capped at them, since extra threads
    /// only contend (10^5 of them hung the process).
    /// </summary>
    /// <returns>The thread count set.</returns>
    public static int SetThreads(int threads)
    {
        if (threads < 0) throw new InvalidValueException("Threads", $"the thread count {threads} is negative; give 0 for all cores, or 1 to {Environment.ProcessorCount}.");
        int count = threads == 0 ? Environment.ProcessorCount : Math.Min(threads, Environment.ProcessorCount);
        set_num_threads(count);
        configuredThreads = count;
        return count;
    }

    static volatile int configuredThreads;

    /// <summary>
    /// Brings the calling thread to the count <see cref="SetThreads"/> set. libtorch keeps its thread count per OS
    /// thread (OpenMP's), and a thread that computed before keeps the count it had; then one image computed on two
    /// threads (a server's request thread, a command's) can differ in the last bit of its sums. Nothing when no count
    /// was set.
    /// </summary>
    public static void ApplyThreads()
    {
        int count = configuredThreads;
        if (count > 0 && get_num_threads() != count) set_num_threads(count);
    }

    /// <summary>Versions of the pieces that compute: this library, TorchSharp, libtorch, .NET.</summary>
    public static IReadOnlyList<(string Name, string Value)> Versions() => new[]
    {
        ("stylegan", typeof(TorchRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?"),
        ("TorchSharp", typeof(torch).Assembly.GetName().Version?.ToString() ?? "?"),
        ("libtorch", __version__),
        ("libLibTorchSharp", LibTorchSharpFallback.Loaded is { } copy
            ? $"{copy.Path} ({string.Join(", ", copy.WeakVersions)} weak: {Path.GetFileName(copy.LibStdCxx)} lacks it)"
            : "as shipped"),
        (".NET", Environment.Version.ToString()),
        ("OS", System.Runtime.InteropServices.RuntimeInformation.OSDescription),
    };

    /// <summary>The CPU's name, family and model: the family and model tell generations apart where the name does not ("AMD EPYC" for all of them).</summary>
    public static string CpuModel()
    {
        try
        {
            var fields = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Trim().Length > 0)
                .Select(l => l.Split(':', 2)).Where(f => f.Length == 2).GroupBy(f => f[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
            return $"{fields.GetValueOrDefault("model name", "unknown")} (family {fields.GetValueOrDefault("cpu family", "?")}, model {fields.GetValueOrDefault("model", "?")})";
        }
        catch (IOException) { return "unknown"; }
    }

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

/// <summary>libtorch cannot be loaded in this process; the message says why and how to fix it.</summary>
public sealed class TorchUnavailableException(string message, Exception inner) : Exception(message, inner);
