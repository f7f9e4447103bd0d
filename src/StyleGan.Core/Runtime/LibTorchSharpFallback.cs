using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace StyleGan.Runtime;

/// <summary>The weak copy of libLibTorchSharp.so that this process loaded, and why.</summary>
/// <param name="Path">The copy, in the cache folder.</param>
/// <param name="WeakVersions">The version needs marked weak, e.g. GLIBCXX_3.4.32.</param>
/// <param name="LibStdCxx">The libstdc++ of this process, which lacks them.</param>
public sealed record LibTorchSharpCopy(string Path, IReadOnlyList<string> WeakVersions, string LibStdCxx);

/// <summary>
/// Makes TorchSharp's native library load where the system's libstdc++ is older than the one it was built against.
/// TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13's libstdc++) for one symbol that no relocation
/// binds; Debian 12's and Ubuntu 22.04's libstdc++ stop at 3.4.30, so the loader refuses the whole library. When
/// loading it fails, this loads a <see cref="WeakVersionCopy"/> in which the versions this process's libstdc++
/// lacks are weak, provided that no relocation binds a symbol of theirs (otherwise the library would fail later, at
/// a call; then nothing is loaded and <see cref="Failure"/> says why).
/// </summary>
/// <remarks>
/// It works at load time, not at build time, so it works the same for a project that references the package, for
/// the installed tool, and in this repository. TorchSharp loads the library with
/// <c>NativeLibrary.TryLoad("LibTorchSharp", assembly, ...)</c> in its static initialization, which does not ask a
/// DllImport resolver but does raise <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> when the normal search
/// fails; the handler answers with the copy. TorchSharp's P/Invokes then bind to that copy, since the loader matches
/// a library loaded under its soname. The handler is installed by a module initializer, so it is in place before
/// any code of this library runs; an application that calls TorchSharp before this library calls
/// <see cref="TorchRuntime.EnsureLoaded"/> first.
/// </remarks>
public static class LibTorchSharpFallback
{
    const string LibraryName = "LibTorchSharp";
    const string FileName = "libLibTorchSharp.so";
    const string LibStdCxxSoname = "libstdc++.so.6";

    static readonly Lock gate = new();
    static bool tried;
    static IntPtr handle;

    /// <summary>The copy loaded in this process, or null where the library loaded as shipped (or not yet).</summary>
    public static LibTorchSharpCopy? Loaded { get; private set; }

    /// <summary>Why no copy could be loaded where one was needed, or null.</summary>
    public static string? Failure { get; private set; }

#pragma warning disable CA2255 // A library's module initializer, on purpose: TorchSharp loads its native library in its first static initialization, before any call the user could make.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (!OperatingSystem.IsLinux()) return;
        AssemblyLoadContext.GetLoadContext(typeof(LibTorchSharpFallback).Assembly)!.ResolvingUnmanagedDll += Resolve;
    }

    static IntPtr Resolve(Assembly assembly, string name)
    {
        if (name != LibraryName || assembly.GetName().Name != "TorchSharp") return IntPtr.Zero;
        lock (gate)
        {
            if (!tried)
            {
                tried = true;
                try
                {
                    handle = LoadCopy(assembly);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
                {
                    Failure = $"a copy of {FileName} for this system's libstdc++ could not be made or loaded: {e.Message}";
                }
            }
            return handle;
        }
    }

    static IntPtr LoadCopy(Assembly torchSharp)
    {
        string? original = SearchFolders(torchSharp).Select(folder => Path.Combine(folder, FileName)).FirstOrDefault(File.Exists);
        if (original is null) return IntPtr.Zero; // no native TorchSharp at all: TorchSharp says which package is missing
        var library = ElfSharedObject.Read(original);
        string libStdCxx = LoadedLibStdCxx();
        var provided = ElfSharedObject.Read(libStdCxx).VersionDefinitions;
        var missing = library.VersionNeeds.Where(need => need.Library == LibStdCxxSoname && !need.Weak && !provided.Contains(need.Version)).ToList();
        if (missing.Count == 0) return IntPtr.Zero; // it failed for another reason, which TorchSharp reports
        var used = missing.Where(need => library.BindsSymbolsOf(need.Index)).Select(need => need.Version).ToList();
        if (used.Count > 0)
        {
            Failure = $"{original} uses symbols of {string.Join(", ", used)}, which this system's {libStdCxx} lacks; " +
                "install a newer libstdc++ (GCC 13 or later provides GLIBCXX_3.4.32).";
            return IntPtr.Zero;
        }
        string copy = WeakVersionCopy.Make(original, missing, CacheFolder.Path);
        // The copy finds the libraries it needs beside itself ($ORIGIN); loaded first from beside the original, they
        // are taken by their sonames.
        string folder = Path.GetDirectoryName(original)!;
        foreach (var needed in library.Needed.Select(needed => Path.Combine(folder, needed)).Where(File.Exists)) NativeLibrary.Load(needed);
        var loaded = NativeLibrary.Load(copy);
        Loaded = new LibTorchSharpCopy(copy, missing.Select(need => need.Version).ToList(), libStdCxx);
        return loaded;
    }

    /// <summary>Where the runtime looks for native libraries of this application (from its deps.json), then beside TorchSharp.</summary>
    static IEnumerable<string> SearchFolders(Assembly torchSharp)
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return string.IsNullOrEmpty(torchSharp.Location) ? folders : folders.Append(Path.GetDirectoryName(torchSharp.Location)!);
    }

    /// <summary>The file of the libstdc++ that this process uses (the loader takes the one loaded already under its soname).</summary>
    static string LoadedLibStdCxx()
    {
        if (MappedFile(LibStdCxxSoname) is string mapped) return mapped;
        NativeLibrary.Load(LibStdCxxSoname);
        return MappedFile(LibStdCxxSoname) ?? throw new DllNotFoundException($"{LibStdCxxSoname} was loaded but is not among this process's mapped files (/proc/self/maps).");
    }

    static string? MappedFile(string soname) => File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
        .Select(fields => fields[5])
        .FirstOrDefault(path => Path.GetFileName(path).StartsWith(soname, StringComparison.Ordinal));
}
