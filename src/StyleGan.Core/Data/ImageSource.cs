using System.IO.Compression;
using StyleGan.Files;

namespace StyleGan.Data;

/// <summary>
/// The files of a folder (recursively) or a zip, named by their path relative to the root with '/' separators, so that
/// a dataset reads the same from either and from any operating system.
/// </summary>
public sealed class ImageSource : IDisposable
{
    static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp"];

    readonly string? folder;
    readonly ZipArchive? zip;
    // ZipArchive is not thread-safe: reads are serialized, so that threads may share one source.
    readonly Lock zipLock = new();

    ImageSource(string path, string? folder, ZipArchive? zip, IReadOnlyList<string> images, IReadOnlyList<(string File, string Reason)> skipped)
    {
        Path = path;
        this.folder = folder;
        this.zip = zip;
        Images = images;
        Skipped = skipped;
    }

    /// <summary>The folder or zip, as given.</summary>
    public string Path { get; }

    /// <summary>Files with an image extension (PNG, JPEG, WebP, BMP), sorted ordinally by relative path for reproducibility.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>
    /// What a folder's walk left out, always (see <see cref="FolderWalk"/>): links that loop or lead to a folder
    /// listed already, links that lead nowhere, image-named entries that are not regular files. Empty for a zip.
    /// </summary>
    public IReadOnlyList<(string File, string Reason)> Skipped { get; }

    public static ImageSource Open(string path)
    {
        if (Directory.Exists(path))
        {
            var (files, skipped) = FolderWalk.Files(path, IsImage);
            return new ImageSource(path, path, null, files.Order(StringComparer.Ordinal).ToArray(), skipped);
        }
        if (File.Exists(path))
        {
            if (!path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{path} is neither a folder nor a .zip: a dataset is a folder of images or a zip of them.");
            InputFile.Require(path, "Dataset");
            ZipArchive archive;
            try
            {
                archive = ZipFile.OpenRead(path);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path} is not a readable zip ({e.Message}); rebuild it with `stylegan dataset`.", e);
            }
            var images = archive.Entries.Select(e => e.FullName).Where(name => !name.EndsWith('/') && IsImage(name)).Order(StringComparer.Ordinal).ToArray();
            return new ImageSource(path, null, archive, images, []);
        }
        // A FileNotFoundException, as for every missing input, though a dataset may be a folder: its FileName is the path as given.
        throw new FileNotFoundException($"Dataset {path} does not exist: give a folder of images or a .zip of them.", path);
    }

    /// <summary>Reads one listed file through <paramref name="read"/>, which must be done with the stream when it returns.</summary>
    public T Read<T>(string relativePath, Func<Stream, T> read)
    {
        if (folder is not null)
        {
            var file = System.IO.Path.Combine(folder, relativePath);
            using var stream = InputFile.OpenRead(file, "Dataset file");
            return read(stream);
        }
        lock (zipLock)
        {
            var entry = zip!.GetEntry(relativePath) ?? throw new FileNotFoundException($"{Describe(relativePath)} is not in the zip.");
            using var stream = entry.Open();
            return read(stream);
        }
    }

    /// <summary>The bytes of one listed file.</summary>
    public byte[] ReadAllBytes(string relativePath) => Read(relativePath, stream =>
    {
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    });

    /// <summary>Whether a file exists at the root or below it (listed or not, e.g. dataset.json).</summary>
    public bool Contains(string relativePath)
    {
        if (folder is not null) return File.Exists(System.IO.Path.Combine(folder, relativePath));
        lock (zipLock) return zip!.GetEntry(relativePath) is not null;
    }

    /// <summary>Names a file for an error message: its full path, or the zip and the entry.</summary>
    public string Describe(string relativePath) =>
        folder is not null ? System.IO.Path.Combine(folder, relativePath) : $"{Path}:{relativePath}";

    public void Dispose() => zip?.Dispose();

    static bool IsImage(string relativePath) =>
        ImageExtensions.Contains(System.IO.Path.GetExtension(relativePath), StringComparer.OrdinalIgnoreCase) && !IsHidden(relativePath);

    // macOS zips carry "__MACOSX/._name.png" resource forks and folders carry ".name" files: neither is an image.
    static bool IsHidden(string relativePath) =>
        relativePath.Split('/').Any(part => part.StartsWith('.') || part == "__MACOSX");
}
