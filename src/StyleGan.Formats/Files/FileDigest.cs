using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace StyleGan.Files;

/// <summary>
/// SHA-256 digests of files, lower-case hex: what names a file's content in caches and checks. A file is hashed once
/// per process while its size and modification time stay the same: a published file is checked when it is located
/// and named by its digest when it is read, and weights of hundreds of megabytes are not read twice for that.
/// </summary>
public static class FileDigest
{
    static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Known = new();

    /// <param name="path">A regular file.</param>
    /// <param name="what">What the file is, for the message when it is missing.</param>
    public static string Sha256(string path, string what)
    {
        using var stream = InputFile.OpenRead(path, what);
        var info = new FileInfo(path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (Known.TryGetValue(key, out var digest)) return digest;
        return Known[key] = Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
