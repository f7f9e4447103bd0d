using System.Security.Cryptography;
using StyleGan.Files;

namespace StyleGan.Runtime;

/// <summary>
/// A copy of a shared object in which some version needs are marked weak (VER_FLG_WEAK), so that the dynamic loader
/// accepts it beside a library that lacks those versions. The original is never changed (it may sit in a package
/// folder shared by every project, or in an installed tool). The copy is kept in <c>native/&lt;SHA-256 of the
/// original&gt;/</c> of the <see cref="CacheFolder"/>, written whole or not at all, and checked against the digest of
/// the patched bytes at every use, so a damaged or stale copy is written again instead of loaded.
/// </summary>
public static class WeakVersionCopy
{
    const byte VerFlagWeak = 0x2;

    /// <summary>The original's bytes with the flags of <paramref name="needs"/> marked weak; the rest unchanged.</summary>
    /// <param name="original">The whole file.</param>
    /// <param name="needs">Entries of the file's <see cref="ElfSharedObject.VersionNeeds"/>.</param>
    public static byte[] Patch(byte[] original, IEnumerable<VersionNeed> needs)
    {
        var patched = (byte[])original.Clone();
        foreach (var need in needs)
        {
            var flags = patched.AsSpan((int)need.FlagsOffset, 2);
            flags[0] |= VerFlagWeak; // the flag sits in the low byte of the little-endian vna_flags
        }
        return patched;
    }

    /// <summary>
    /// The path of the weak copy of <paramref name="original"/>, made in <paramref name="cacheFolder"/> unless a
    /// copy with the right digest is there already; safe to call from several processes at once.
    /// </summary>
    /// <param name="original">The shared object as shipped.</param>
    /// <param name="needs">Its version needs to mark weak.</param>
    /// <param name="cacheFolder">The library's cache folder.</param>
    public static string Make(string original, IReadOnlyCollection<VersionNeed> needs, string cacheFolder)
    {
        byte[] bytes = File.ReadAllBytes(original);
        byte[] patched = Patch(bytes, needs);
        string expected = Convert.ToHexStringLower(SHA256.HashData(patched));
        string copy = Path.Combine(cacheFolder, "native", Convert.ToHexStringLower(SHA256.HashData(bytes)), Path.GetFileName(original));
        if (File.Exists(copy) && Digest(copy) == expected) return copy;
        AtomicFile.Write(copy, stream => stream.Write(patched));
        string written = Digest(copy);
        if (written != expected)
            throw new IOException($"{copy}: the copy just written has SHA-256 {written}, not {expected}; the cache folder's disk does not keep what is written to it.");
        return copy;
    }

    static string Digest(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
