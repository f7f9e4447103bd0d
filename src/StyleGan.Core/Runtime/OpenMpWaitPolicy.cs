using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StyleGan.Runtime;

/// <summary>
/// Makes libtorch's OpenMP threads sleep, rather than spin, while they wait for each other. libtorch's CPU build runs
/// its parallel regions on GNU OpenMP, whose threads by default spin up to 300,000 times at every barrier before they
/// sleep. On a machine of its own that saves a wake-up per region; on cores shared with other processes the spinning
/// thread burns the time slice that the thread it waits for needs, and a training run slowed down 7 times beside a load
/// that took 2.5 times its share (see the README's measured figures). With OMP_WAIT_POLICY=PASSIVE the waiting thread
/// yields the core. The variable is set in this process's native environment before libtorch (and its libgomp, which
/// reads it once when it loads) is loaded, unless the user set it or GOMP_SPINCOUNT already.
/// </summary>
public static class OpenMpWaitPolicy
{
    /// <summary>The variable, as GNU OpenMP and the OpenMP standard name it.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>The policy this process runs with: the user's, or PASSIVE where the library set it.</summary>
    public static string Policy => Environment.GetEnvironmentVariable(Variable)
        ?? (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is string spins
            ? $"libgomp's default: spin {spins} times, then sleep (GOMP_SPINCOUNT)"
            : "libgomp's default (spin, then sleep)");

#pragma warning disable CA2255 // A library's module initializer, on purpose: libgomp reads its settings when libtorch loads, before any call the user could make.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void SetBeforeLibTorchLoads()
    {
        if (!OperatingSystem.IsLinux()) return; // libgomp is libtorch's OpenMP on Linux only
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        // .NET's Environment.SetEnvironmentVariable changes only the managed copy; libgomp reads the C library's.
        if (SetEnv(Variable, "PASSIVE", overwrite: 0) == 0) Environment.SetEnvironmentVariable(Variable, "PASSIVE");
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);
}
