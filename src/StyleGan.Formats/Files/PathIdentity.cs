namespace StyleGan.Files;

/// <summary>
/// What the file system says a path is: its kind, which file it is and its real path. Two paths are one file when
/// they have the same identity, whatever their spelling ("A", "./A", "dir/../A"), links or hard links: on Linux the
/// device and inode (statx(2)), elsewhere the full path with links followed.
/// </summary>
public static class PathIdentity
{
    /// <summary>The kind of what is at <paramref name="path"/>, a final link not followed (Link).</summary>
    /// <param name="path">Any path.</param>
    public static PathKind Kind(string path) => Stat(path, followLinks: false)?.Kind ?? PathKind.Missing;

    /// <summary>The kind of what <paramref name="path"/> leads to, links followed; Missing for a link that leads nowhere.</summary>
    /// <param name="path">Any path.</param>
    public static PathKind Target(string path) => Stat(path, followLinks: true)?.Kind ?? PathKind.Missing;

    /// <summary>An opaque key equal for two paths exactly when they lead to the same file or folder; null when nothing is there.</summary>
    /// <param name="path">Any path; links are followed.</param>
    public static string? Identity(string path) => Stat(path, followLinks: true)?.Identity;

    /// <summary>
    /// Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it on disk, links followed (a link
    /// inside the folder that leads out of it does not count; a path that leads in through a link does).
    /// </summary>
    /// <param name="folder">The folder (or file: then only the file itself is inside it).</param>
    /// <param name="path">Any path, existing or not.</param>
    public static bool Contains(string folder, string path)
    {
        if (Identity(folder) is not string folderIdentity) return false;
        for (string? ancestor = RealPath(path); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
            if (Identity(ancestor) == folderIdentity) return true;
        return false;
    }

    /// <summary>
    /// The full path with every link resolved. For a path that does not exist, the real path of its nearest existing
    /// folder with the rest appended, so that where it would be created is known.
    /// </summary>
    /// <param name="path">Any path.</param>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string? existing = full;
        while (existing is not null && Target(existing) == PathKind.Missing) existing = Path.GetDirectoryName(existing);
        if (existing is null) return full;
        string rest = Path.GetRelativePath(existing, full);
        string real = OperatingSystem.IsLinux() ? Libc.RealPath(existing) : FollowFinalLink(existing);
        return rest == "." ? real : Path.Combine(real, rest);
    }

    /// <summary>Whether this process may create entries in a folder (write and search permission, a writable file system).</summary>
    /// <param name="folder">An existing folder.</param>
    public static bool CanCreateIn(string folder) => !OperatingSystem.IsLinux() || Libc.CanCreateIn(Path.GetFullPath(folder));

    static (PathKind Kind, string Identity)? Stat(string path, bool followLinks)
    {
        string full = Path.GetFullPath(path);
        if (OperatingSystem.IsLinux()) return Libc.Stat(full, followLinks);
        // Elsewhere (no statx): .NET tells folders, files and links apart; devices and FIFOs look like files.
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (!followLinks && info.LinkTarget is not null) return (PathKind.Link, full);
        if (!info.Exists) return null;
        return (info is DirectoryInfo ? PathKind.Folder : PathKind.File, FollowFinalLink(full));
    }

    static string FollowFinalLink(string full)
    {
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        return info.LinkTarget is null ? full : Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
    }
}
