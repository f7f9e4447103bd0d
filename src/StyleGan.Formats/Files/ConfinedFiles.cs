namespace StyleGan.Files;

/// <summary>
/// The one read rule for paths that someone else chose (a web page's requests, the files of a run folder a server
/// watches), as strict as <see cref="OutputRule"/> is for writes. A path is resolved one component at a time from
/// the folder it lies in; every link on the way is followed only while where it leads stays inside one of the
/// folders, so nothing outside them is ever looked at and a refusal tells nothing about what is there. Only a
/// regular file is opened, without waiting (a FIFO swapped in meanwhile cannot block), and on Linux the opened file
/// must be the one checked (the same device and inode, where the kernel says it is inside a folder). Reads are bounded
/// by the bytes actually read, not by a length that a device reports as 0.
/// </summary>
public sealed class ConfinedFiles
{
    /// <summary>The most links one path may pass through (Linux's own bound): more is a loop.</summary>
    public const int MaxLinks = 40;

    /// <summary>The most entries of one folder a listing looks at, so that a folder of millions costs no more than this.</summary>
    public const int MaxListedEntries = 10_000;

    static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    readonly List<string> roots;

    /// <param name="folders">The folders reads stay inside; each must exist (their own links are resolved once, here).</param>
    public ConfinedFiles(IEnumerable<string> folders)
    {
        roots = folders.Select(folder =>
        {
            if (PathIdentity.Target(folder) != PathKind.Folder) throw new DirectoryNotFoundException($"{folder}: no such folder to read from.");
            return PathIdentity.RealPath(folder);
        }).Distinct().ToList();
        if (roots.Count == 0) throw new ArgumentException("No folder to read from.", nameof(folders));
    }

    /// <summary>The folders, as real paths.</summary>
    public IReadOnlyList<string> Roots => roots;

    /// <summary>The real path of the regular file that <paramref name="path"/> leads to, inside the folders.</summary>
    /// <param name="path">Absolute, or relative to the first folder.</param>
    /// <exception cref="ReadRefusedException">Where it leads nowhere, outside, through a loop, or to no regular file.</exception>
    public string Resolve(string path) => Walk(path, PathKind.File);

    /// <summary>The regular file <paramref name="path"/> leads to, opened to read (see <see cref="Resolve"/>).</summary>
    /// <param name="path">Absolute, or relative to the first folder.</param>
    public FileStream OpenRead(string path)
    {
        string real = Walk(path, PathKind.File);
        if (!OperatingSystem.IsLinux()) return new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // Without following links: a link put in its place since the walk is refused, not followed.
        if (Libc.Stat(real, followLinks: false) is not (PathKind.File, string checkedIdentity)) throw Changed(path);
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try { handle = Libc.OpenRead(real); }
        catch (IOException) { throw Changed(path); }
        var (kind, identity) = Libc.Stat(handle);
        // Where the kernel says the opened file is: a folder above the allowed ones swapped for a link since the walk
        // would lead elsewhere under the same name.
        string? opened = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        if (kind != PathKind.File || identity != checkedIdentity || opened is null || !roots.Any(root => Inside(opened, root)))
        {
            handle.Dispose();
            throw Changed(path);
        }
        return new FileStream(handle, FileAccess.Read);
    }

    /// <summary>The bytes of the regular file <paramref name="path"/> leads to, refused past <paramref name="maxBytes"/> read.</summary>
    /// <param name="path">Absolute, or relative to the first folder.</param>
    /// <param name="maxBytes">The most bytes read before the file is refused as too large.</param>
    public byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path);
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        while (stream.Read(buffer) is int read and > 0)
        {
            if (bytes.Length + read > maxBytes)
                throw new ReadRefusedException(ReadRefusal.TooLarge, $"{path} holds more than the {maxBytes:N0} bytes read from such a file.");
            bytes.Write(buffer, 0, read);
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// The regular files in the folders and their sub-folders (down to <paramref name="depth"/>) that the rule lets
    /// be read, as real paths, each once: what a link leads to is listed only when it could be opened.
    /// </summary>
    /// <param name="wanted">Which real paths to list.</param>
    /// <param name="depth">How many levels of sub-folders to enter.</param>
    /// <param name="limit">At most this many.</param>
    public IReadOnlyList<string> List(Func<string, bool> wanted, int depth, int limit) =>
        roots.SelectMany(root => List(root, depth)).Distinct().Where(wanted).Take(limit).ToList();

    IEnumerable<string> List(string folder, int depth)
    {
        if (PathIdentity.Kind(folder) != PathKind.Folder) yield break;
        List<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(folder).Take(MaxListedEntries).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // a folder gone or unreadable lists nothing
        }
        foreach (var entry in entries)
        {
            string? file = Allowed(entry, PathKind.File);
            if (file is not null) yield return file;
            else if (depth > 0 && Allowed(entry, PathKind.Folder) is string sub)
                foreach (var below in List(sub, depth - 1)) yield return below;
        }
    }

    string? Allowed(string path, PathKind kind)
    {
        try { return Walk(path, kind); }
        catch (ReadRefusedException) { return null; }
    }

    // Resolves one component at a time. `current` is always a real path inside a folder (no link in it), so ".."
    // is its parent on disk and whether it is inside is a comparison of text.
    string Walk(string requested, PathKind want)
    {
        if (requested.Length == 0) throw new ReadRefusedException(ReadRefusal.Missing, "The path is empty; name a file.");
        if (requested.Contains('\0')) throw new ReadRefusedException(ReadRefusal.Missing, "The path holds a NUL character.");
        string full = Path.GetFullPath(requested, roots[0]);
        var (current, rest) = Enter(full) ?? throw Outside(requested);
        RequireRoot(current, requested);
        var pending = new LinkedList<string>(rest);
        int links = 0;
        while (pending.First is { } first)
        {
            string part = first.Value;
            pending.RemoveFirst();
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                if (!roots.Any(root => current == root || Inside(current, root))) throw Outside(requested);
                continue;
            }
            string next = Path.Join(current, part);
            switch (PathIdentity.Kind(next))
            {
                case PathKind.Folder:
                    current = next;
                    break;
                case PathKind.Link:
                    if (++links > MaxLinks) throw new ReadRefusedException(ReadRefusal.LinkLoop, $"{requested} passes through more than {MaxLinks} links: a loop of links.");
                    string target = new FileInfo(next).LinkTarget ?? throw Missing(requested);
                    if (Path.IsPathRooted(target))
                    {
                        (current, var inside) = Enter(target) ?? throw Outside(requested);
                        RequireRoot(current, requested);
                        foreach (var component in Enumerable.Reverse(inside)) pending.AddFirst(component);
                    }
                    else
                    {
                        foreach (var component in Enumerable.Reverse(Components(target))) pending.AddFirst(component);
                    }
                    break;
                case PathKind.Missing:
                    throw Missing(requested);
                default: // a file (or device, FIFO, socket) with more of the path after it names nothing
                    if (pending.Count > 0) throw Missing(requested);
                    current = next;
                    break;
            }
        }
        var kind = PathIdentity.Kind(current);
        if (kind == want) return current;
        if (kind == PathKind.Missing) throw Missing(requested);
        throw new ReadRefusedException(ReadRefusal.NotRegular, want == PathKind.File
            ? $"{requested} is not a regular file ({(kind == PathKind.Folder ? "a folder" : "a device, FIFO or socket")}); name a file."
            : $"{requested} is not a folder.");
    }

    // The folder an absolute path starts in and the components after it, or null when it starts in none. Compared
    // by components before anything is looked up, so that a path outside is never touched.
    (string Root, List<string> Below)? Enter(string absolute)
    {
        var parts = Components(absolute);
        string start = Path.GetPathRoot(absolute) ?? "";
        foreach (var root in roots.OrderByDescending(root => root.Length))
        {
            var rootParts = Components(root);
            if (Path.GetPathRoot(root) != start || parts.Count < rootParts.Count) continue;
            if (rootParts.Select((part, i) => parts[i] == part).All(same => same)) return (root, parts.Skip(rootParts.Count).ToList());
        }
        return null;
    }

    // An allowed folder replaced by a link since it was given would take the walk wherever the link leads.
    static void RequireRoot(string root, string requested)
    {
        if (PathIdentity.Kind(root) != PathKind.Folder)
            throw new ReadRefusedException(ReadRefusal.Missing, $"{requested}: the folder {root} is gone (deleted, moved or replaced since it was given).");
    }

    static List<string> Components(string path)
    {
        string root = Path.GetPathRoot(path) ?? "";
        return path[root.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".").ToList();
    }

    static bool Inside(string path, string root) =>
        path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    ReadRefusedException Outside(string requested) => new(ReadRefusal.Outside,
        $"{requested} leads outside the allowed folders ({string.Join(", ", roots)}).");

    static ReadRefusedException Missing(string requested) => new(ReadRefusal.Missing, $"{requested}: no such file.");

    static ReadRefusedException Changed(string requested) => new(ReadRefusal.Changed, $"{requested} changed while it was being opened; try again.");
}
