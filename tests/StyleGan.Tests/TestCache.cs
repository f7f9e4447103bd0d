using System.Runtime.CompilerServices;
using StyleGan.Runtime;

namespace StyleGan.Tests;

/// <summary>Keeps the tests, and the tools they start, off the user's cache folder: measured choices stay in memory, statistics are extracted every time.</summary>
static class TestCache
{
    /// <summary>A cache folder of this test run's own.</summary>
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), $"stylegan-tests-cache-{Environment.ProcessId}");

    [ModuleInitializer]
    internal static void KeepOffTheUsersCache()
    {
        Environment.SetEnvironmentVariable(CacheFolder.Variable, Folder);
        ModulatedConvChoice.CacheFile = null;
        StyleGan.Metrics.StatisticsCache.Folder = null;
    }
}
