using System.Runtime.CompilerServices;
using StyleGan.Runtime;

namespace StyleGan.Tests;

/// <summary>
/// Keeps the tests, and the tools they start, off the user's cache folder and off the network: measured choices stay
/// in memory, statistics are extracted every time, and no weights are downloaded (the download tests serve their own).
/// </summary>
static class TestCache
{
    /// <summary>A cache folder of this test run's own.</summary>
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), $"stylegan-tests-cache-{Environment.ProcessId}");

    [ModuleInitializer]
    internal static void KeepOffTheUsersCache()
    {
        Environment.SetEnvironmentVariable(CacheFolder.Variable, Folder);
        Environment.SetEnvironmentVariable(PublishedFile.OfflineVariable, "1");
        ModulatedConvChoice.CacheFile = null;
        StyleGan.Metrics.StatisticsCache.Folder = null;
        // The tools the tests start have ended by then; the folder is this run's alone.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // left for the system's temporary-file cleaning
        };
    }
}
