using StyleGan.Runtime;

namespace StyleGan.Tests.Runtime;

/// <summary>This test process loaded libtorch through the fallback exactly where its libstdc++ needs it to.</summary>
public sealed class LibTorchSharpFallbackTests
{
    static string[] MappedFiles() => File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(fields => fields.Length == 6 && fields[5].StartsWith('/')).Select(fields => fields[5]).Distinct().ToArray();

    [SkippableFact]
    public void TheProcessRunsTheWeakCopyOnlyWhereItsLibStdCxxLacksTheVersion()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fallback is for Linux's loader.");
        TorchRuntime.EnsureLoaded();
        var mapped = MappedFiles();
        string libStdCxx = Assert.Single(mapped, path => Path.GetFileName(path).StartsWith("libstdc++.so.6", StringComparison.Ordinal));
        string torchSharp = Assert.Single(mapped, path => Path.GetFileName(path) == "libLibTorchSharp.so");
        Assert.Null(LibTorchSharpFallback.Failure);

        if (ElfSharedObject.Read(libStdCxx).VersionDefinitions.Contains("GLIBCXX_3.4.32"))
        {
            Assert.Null(LibTorchSharpFallback.Loaded);
            Assert.Equal(Path.GetFullPath(ElfSharedObjectTests.TorchSharpNative), torchSharp);
            return;
        }
        var copy = Assert.IsType<LibTorchSharpCopy>(LibTorchSharpFallback.Loaded);
        Assert.Equal(torchSharp, copy.Path);
        Assert.StartsWith(Path.Combine(CacheFolder.Path, "native") + Path.DirectorySeparatorChar, copy.Path);
        Assert.Equal(new[] { "GLIBCXX_3.4.32" }, copy.WeakVersions);
        Assert.Equal(libStdCxx, copy.LibStdCxx);
        Assert.Contains(TorchRuntime.Versions(), row => row.Name == "libLibTorchSharp" && row.Value.StartsWith(copy.Path, StringComparison.Ordinal));
    }
}
