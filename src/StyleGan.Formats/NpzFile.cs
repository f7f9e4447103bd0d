using System.IO.Compression;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Formats;

/// <summary>
/// NumPy's .npz: a zip archive of NAME.npy files (see <see cref="NpyFile"/>), stored as np.savez writes it or deflated
/// as np.savez_compressed does; np.load(path)[NAME] is the array. NVIDIA's projector.py saves its result as
/// projected_w.npz holding 'w', float32 [1, num_ws, w_dim], which its generate.py reads back with np.load.
/// </summary>
public static class NpzFile
{
    /// <summary>Every array of an .npz, by name (the entry's name without .npy), in the archive's order; entries not ending in .npy are no arrays and are left out.</summary>
    /// <param name="path">The file.</param>
    /// <returns>New CPU tensors, the caller's to dispose.</returns>
    public static IReadOnlyDictionary<string, Tensor> Load(string path)
    {
        using var zip = Open(path);
        var arrays = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in zip.Entries.Where(entry => entry.FullName.EndsWith(".npy", StringComparison.Ordinal)))
            {
                string name = entry.FullName[..^4];
                if (arrays.ContainsKey(name)) throw new InvalidDataException($"{path} holds two entries named {entry.FullName} (damaged or made by hand); np.load would see only one.");
                arrays[name] = Read(path, entry);
            }
        }
        catch
        {
            foreach (var array in arrays.Values) array.Dispose();
            throw;
        }
        return arrays;
    }

    /// <summary>The array <paramref name="name"/> of an .npz (np.load(path)[name]), read alone.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The array's name, e.g. "w" in NVIDIA's projected_w.npz.</param>
    /// <returns>A new CPU tensor of the array's dtype and shape.</returns>
    public static Tensor Load(string path, string name)
    {
        using var zip = Open(path);
        var entries = zip.Entries.Where(entry => entry.FullName == name + ".npy").ToList();
        if (entries.Count == 1) return Read(path, entries[0]);
        if (entries.Count > 1) throw new InvalidDataException($"{path} holds {entries.Count} entries named {name}.npy (damaged or made by hand).");
        var names = zip.Entries.Where(entry => entry.FullName.EndsWith(".npy", StringComparison.Ordinal)).Select(entry => $"'{entry.FullName[..^4]}'").ToList();
        throw new InvalidDataException($"{path} holds no array '{name}'" +
            (names.Count > 0 ? $"; its arrays are {string.Join(", ", names)}." : "; it holds no arrays at all (no .npy entries)."));
    }

    /// <summary>Writes arrays as an .npz, uncompressed as np.savez does, atomically; np.load reads it.</summary>
    /// <param name="path">The file to write (or replace).</param>
    /// <param name="arrays">Names (np.load's keys) and float16, float32 or float64 tensors, in the order they are stored.</param>
    public static void Save(string path, IReadOnlyList<(string Name, Tensor Array)> arrays)
    {
        CheckNames(arrays);
        AtomicFile.Write(path, stream => Write(stream, arrays));
    }

    /// <summary>Writes arrays to a stream as <see cref="Save"/> writes them to a file.</summary>
    /// <param name="stream">Where the .npz goes; left open.</param>
    /// <param name="arrays">Names (np.load's keys) and float16, float32 or float64 tensors, in the order they are stored.</param>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Array)> arrays)
    {
        CheckNames(arrays);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
            NpyFile.Write(entry, array);
        }
    }

    // Refused before a file is replaced: np.load finds arrays by name.
    static void CheckNames(IReadOnlyList<(string Name, Tensor Array)> arrays)
    {
        foreach (var group in arrays.GroupBy(array => array.Name))
        {
            if (group.Key.Length == 0) throw new ArgumentException("An array of an .npz needs a name; np.load finds it by that name.", nameof(arrays));
            if (group.Count() > 1) throw new ArgumentException($"Two arrays are named '{group.Key}'; np.load would see only one.", nameof(arrays));
        }
    }

    static ZipArchive Open(string path)
    {
        var stream = InputFile.OpenRead(path, "NumPy file");
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path} is not an .npz file (a zip archive of .npy files, as np.savez writes): {e.Message}", e);
        }
    }

    static Tensor Read(string path, ZipArchiveEntry entry)
    {
        string source = $"{path} (entry {entry.FullName})";
        Stream stream;
        try
        {
            stream = entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} cannot be unpacked: {e.Message}", e);
        }
        using var checkedStream = new CrcCheckedStream(stream, entry.Crc32);
        return NpyFile.Read(checkedStream, entry.Length, source);
    }
}
