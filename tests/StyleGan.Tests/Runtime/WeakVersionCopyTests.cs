using System.Security.Cryptography;
using StyleGan.Runtime;

namespace StyleGan.Tests.Runtime;

/// <summary>The weak copy: only the flags change, it is made once, and a damaged copy is made again.</summary>
public sealed class WeakVersionCopyTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), $"stylegan-weak-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [SkippableFact]
    public void TheCopyDiffersOnlyInTheFlagsAndIsKeptUnderTheOriginalsDigest()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libLibTorchSharp.so is TorchSharp's Linux library.");
        string original = ElfSharedObjectTests.TorchSharpNative;
        byte[] before = File.ReadAllBytes(original);
        var need = ElfSharedObject.Read(original).VersionNeeds.Single(need => need.Version == "GLIBCXX_3.4.32");

        string copy = WeakVersionCopy.Make(original, [need], folder);

        Assert.Equal(Path.Combine(folder, "native", Convert.ToHexStringLower(SHA256.HashData(before)), "libLibTorchSharp.so"), copy);
        byte[] patched = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != patched[i]).ToList();
        Assert.Equal(new[] { (int)need.FlagsOffset }, changed);
        Assert.True(ElfSharedObject.Read(copy).VersionNeeds.Single(n => n.Version == "GLIBCXX_3.4.32").Weak);
        Assert.All(ElfSharedObject.Read(copy).VersionNeeds.Where(n => n.Version != "GLIBCXX_3.4.32"), n => Assert.False(n.Weak));
        Assert.Equal(before, File.ReadAllBytes(original));
    }

    [SkippableFact]
    public void AGoodCopyIsReusedAndADamagedOneMadeAgain()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libLibTorchSharp.so is TorchSharp's Linux library.");
        string original = ElfSharedObjectTests.TorchSharpNative;
        var need = ElfSharedObject.Read(original).VersionNeeds.Single(need => need.Version == "GLIBCXX_3.4.32");
        string copy = WeakVersionCopy.Make(original, [need], folder);
        byte[] good = File.ReadAllBytes(copy);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, written);

        Assert.Equal(copy, WeakVersionCopy.Make(original, [need], folder));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy));

        using (var file = new FileStream(copy, FileMode.Open, FileAccess.Write)) file.Write(new byte[16]);
        Assert.Equal(copy, WeakVersionCopy.Make(original, [need], folder));
        Assert.Equal(good, File.ReadAllBytes(copy));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy)!, "*.tmp*"));
    }
}
