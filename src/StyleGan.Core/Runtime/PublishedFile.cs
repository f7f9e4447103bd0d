
namespace StyleGan.Runtime;

/// <summary>
/// A weight file that others publish and the library reads but never downloads (it may run offline, and a download
/// of hundreds of megabytes should be the user's decision): a path the user gives, else the file under its published
/// name in the <see cref="CacheFolder"/>. Where it is in neither place, the refusal says where to get it and where to
/// put it.
/// </summary>
/// <param name="Name">The published file name, which is also its name in the cache folder.</param>
/// <param name="Address">Where it is published.</param>
/// <param name="Sha256Prefix">The leading hex digits of its SHA-256 as published (torchvision names its files
/// <c>name-&lt;first 8 digits&gt;.pth</c>), or null where none is published.</param>
public sealed record PublishedFile(string Name, string Address, string? Sha256Prefix = null)
{
    /// <summary>Where the file is looked for when no path is given.</summary>
    public string CachePath => System.IO.Path.Combine(CacheFolder.Path, Name);

    /// <summary>
    /// The path to read: <paramref name="path"/> when given, else <see cref="CachePath"/>. A file found in the cache
    /// folder is checked against <see cref="Sha256Prefix"/>, since the library chose it by name alone; a path the
    /// user gives is read as it is (it may be another file of the same layout on purpose).
    /// </summary>
    /// <param name="path">The file the user named, or null.</param>
    /// <param name="setting">The setting that names the file (see InvalidValueException.Name), named in the refusal.</param>
    /// <param name="what">What the file is, starting the refusal, e.g. "torchvision's VGG16 weights".</param>
    public string Locate(string? path, string setting, string what)
    {
        if (path is not null)
        {
            if (!File.Exists(path))
                throw new InvalidValueException(setting, $"{what}: {path} does not exist. The published file is {Name}, from {Address}.");
            return path;
        }
        var cached = CachePath;
        if (!File.Exists(cached))
            throw new InvalidValueException(setting, $"{what}: {Name} is not in the cache folder {CacheFolder.Path}: download {Address} " +
                $"and put it there as {Name} (this library never downloads), or give the file's path as `{setting}`. " +
                $"The folder is ${CacheFolder.Variable} when set, else ~/.cache/stylegan.");
        if (Sha256Prefix is not null) Verify(cached);
        return cached;
    }

    void Verify(string file)
    {
        string digest;
        digest = Files.FileDigest.Sha256(file, Name);
        if (!digest.StartsWith(Sha256Prefix!, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{file}: its SHA-256 is {digest}, which does not start with {Sha256Prefix} as the published {Name} does: " +
                $"the file is damaged or another one; download {Address} again.");
    }
}
