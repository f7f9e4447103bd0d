using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>
/// The folders the page may read from: those named on the command line, nothing else. A requested path is resolved
/// (relative to the first folder, links followed) and refused unless it lies inside one of them.
/// </summary>
public sealed class FolderAccess
{
    /// <summary>Extensions of the network files the page lists and opens.</summary>
    public static readonly IReadOnlyList<string> NetworkExtensions = [".safetensors", ".pkl", ".pt"];

    readonly List<string> roots;

    /// <param name="folders">The allowed folders; each must exist.</param>
    public FolderAccess(IEnumerable<string> folders)
    {
        roots = folders.Select(folder =>
        {
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder to serve from.");
            return Canonical(Path.GetFullPath(folder));
        }).Distinct().ToList();
        if (roots.Count == 0) throw new ArgumentException("No folder to serve from.", nameof(folders));
    }

    /// <summary>The allowed folders, resolved.</summary>
    public IReadOnlyList<string> Roots => roots;

    /// <summary>The full path of an existing file inside the allowed folders, or an explanation of why not.</summary>
    /// <param name="requested">The path as the page sent it: absolute, or relative to the first folder.</param>
    public string File(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) throw new RequestException("path: give the path of a network file.");
        if (requested.Contains('\0')) throw new RequestException("path: the path holds a NUL character.");
        string full = Canonical(Path.GetFullPath(requested, roots[0]));
        if (!roots.Any(root => Inside(full, root)))
            throw new RequestException($"path: {requested} is outside the folders this server was started with ({string.Join(", ", roots)}); " +
                "start `stylegan serve` with --folder naming its folder.", StatusCodes.Status403Forbidden);
        if (!System.IO.File.Exists(full)) throw new RequestException($"path: {requested} is not a file.", StatusCodes.Status404NotFound);
        return full;
    }

    /// <summary>Network files in the allowed folders and their sub-folders (two levels down), newest first.</summary>
    /// <param name="limit">At most this many.</param>
    public IReadOnlyList<string> NetworkFiles(int limit = 200) =>
        roots.SelectMany(root => Walk(root, 2)).Distinct()
            .Where(file => NetworkExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
            .OrderByDescending(System.IO.File.GetLastWriteTimeUtc).Take(limit).ToList();

    static IEnumerable<string> Walk(string folder, int depth)
    {
        IEnumerable<string> files, folders;
        try
        {
            files = Directory.EnumerateFiles(folder).ToList();
            folders = depth > 0 ? Directory.EnumerateDirectories(folder).ToList() : [];
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            yield break; // an unreadable sub-folder is simply not listed
        }
        foreach (var file in files) yield return file;
        foreach (var sub in folders)
            foreach (var file in Walk(sub, depth - 1)) yield return file;
    }

    static bool Inside(string path, string root) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The path with every link on the way resolved, so a link inside a folder cannot lead out of it.
    static string Canonical(string path)
    {
        var parts = new Stack<string>();
        string? current = path;
        while (current is not null && !Path.Exists(current))
        {
            parts.Push(Path.GetFileName(current));
            current = Path.GetDirectoryName(current);
        }
        if (current is null) return path;
        string resolved = Resolve(current);
        foreach (var part in parts) resolved = Path.Combine(resolved, part);
        return resolved;
    }

    static string Resolve(string existing)
    {
        string? parent = Path.GetDirectoryName(existing);
        string head = parent is null ? existing : Path.Combine(Resolve(parent), Path.GetFileName(existing));
        FileSystemInfo info = Directory.Exists(head) ? new DirectoryInfo(head) : new FileInfo(head);
        return info.LinkTarget is null ? head : Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
    }
}
