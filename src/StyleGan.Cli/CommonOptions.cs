using System.CommandLine;
using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Cli;

/// <summary>Options every computing command takes: --threads and --device.</summary>
public static class CommonOptions
{
    public static Option<int> Threads() => new Option<int>("--threads")
    {
        Description = "libtorch CPU threads (0: all cores)",
        DefaultValueFactory = _ => 0,
    }.Sets("Threads");

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "cpu, cuda or cuda:N (cuda needs a build with -p:TorchBackend=cuda)",
        DefaultValueFactory = _ => "cpu",
    }.Sets("Device");

    public static Option<string> Modconv() => new("--modconv")
    {
        Description = "Modulated convolution path: measured (time both per shape, keep the faster), fused or unfused (pinned, for results equal bit for bit across runs)",
        DefaultValueFactory = _ => "measured",
    };

    /// <summary>Applies --modconv process-wide.</summary>
    public static void ApplyModconv(string value) => ModulatedConvChoice.Policy = value switch
    {
        "measured" => ModulatedConvPolicy.Measured,
        "fused" => ModulatedConvPolicy.Fused,
        "unfused" => ModulatedConvPolicy.Unfused,
        _ => throw new UsageException($"--modconv '{value}' is not one of measured, fused, unfused."),
    };

    /// <summary>Loads libtorch, applies --threads, resolves --device.</summary>
    public static Device Setup(int threads, string deviceName)
    {
        TorchRuntime.EnsureLoaded();
        // Processes that mpirun started on one host share its cores.
        if (threads == 0 && Distributed.ProcessGroup.LocalSize > 1) threads = Math.Max(1, Environment.ProcessorCount / Distributed.ProcessGroup.LocalSize);
        int count = TorchRuntime.SetThreads(threads);
        if (threads > count) Console.Error.WriteLine($"stylegan: note: --threads {threads} is more than the {count} cores; using {count}.");
        return TorchRuntime.ParseDevice(deviceName);
    }
}
