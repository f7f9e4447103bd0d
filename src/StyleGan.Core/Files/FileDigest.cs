using System.Security.Cryptography;

namespace StyleGan.Files;

/// <summary>SHA-256 digests of files, lower-case hex: what names a file's content in caches and checks.</summary>
public static class FileDigest
{
    /// <param name="path">A regular file.</param>
    /// <param name="what">What the file is, for the message when it is missing.</param>
    public static string Sha256(string path, string what)
    {
        using var stream = InputFile.OpenRead(path, what);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
