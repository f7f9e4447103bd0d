using StyleGan.Runtime;

namespace StyleGan.Tests.Runtime;

/// <summary>The ELF reader on TorchSharp's own libLibTorchSharp.so (the file the fallback patches) and on broken files.</summary>
public sealed class ElfSharedObjectTests
{
    /// <summary>libLibTorchSharp.so as restored beside the tests.</summary>
    public static string TorchSharpNative => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [SkippableFact]
    public void ReadsWhatLibTorchSharpNeeds()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libLibTorchSharp.so is TorchSharp's Linux library.");
        var library = ElfSharedObject.Read(TorchSharpNative);

        Assert.Equal(new[] { "libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6" }, library.Needed.Take(4));
        var need = Assert.Single(library.VersionNeeds, need => need.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.Library);
        Assert.False(need.Weak);
        // The one symbol of that version is bound by no relocation, which is what makes the weak copy safe; the
        // base version's symbols (operator new and the like) are bound.
        Assert.False(library.BindsSymbolsOf(need.Index));
        Assert.True(library.BindsSymbolsOf(Assert.Single(library.VersionNeeds, need => need.Version == "GLIBCXX_3.4").Index));
    }

    [SkippableFact]
    public void ReadsTheVersionsLibStdCxxDefines()
    {
        const string system = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        Skip.IfNot(File.Exists(system), $"{system} is not on this machine.");
        var defined = ElfSharedObject.Read(system).VersionDefinitions;
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("GLIBCXX_3.4.30", defined);
        Assert.Contains("CXXABI_1.3", defined);
    }

    [Fact]
    public void RefusesWhatIsNotAnElfFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => new ElfSharedObject(new byte[100], "lib.so"));
        Assert.Equal("lib.so: not an ELF file.", error.Message);

        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 1; // 32-bit
        header[5] = 1;
        error = Assert.Throws<InvalidDataException>(() => new ElfSharedObject(header, "lib32.so"));
        Assert.Equal("lib32.so: only 64-bit little-endian ELF files are read (this one is 32-bit, little-endian).", error.Message);
    }

    [SkippableFact]
    public void RefusesATruncatedFileNamingIt()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libLibTorchSharp.so is TorchSharp's Linux library.");
        var start = File.ReadAllBytes(TorchSharpNative)[..4096];
        var error = Assert.Throws<InvalidDataException>(() => new ElfSharedObject(start, "cut.so"));
        Assert.StartsWith("cut.so: not a valid ELF file: offset ", error.Message);
        Assert.EndsWith(" is outside the file's 4096 bytes (truncated or corrupt).", error.Message);
    }
}
