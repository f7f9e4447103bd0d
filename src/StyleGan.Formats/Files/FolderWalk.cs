namespace StyleGan.Files;

/// <summary>
/// The regular files below a folder, found by a walk that always ends. Links are followed, but every folder on disk
/// is listed once (by identity, see <see cref="PathIdentity"/>): a link back to a folder that holds it (a loop) or a
/// second way to a listed folder is not followed, and is reported. Real sub-folders are listed before any link is
/// followed, so a link never takes the place of the folder it leads to. Links that lead nowhere and entries that are
/// not regular files (FIFOs, devices, sockets: reading one can block forever) are reported too.
/// </summary>
public static class FolderWalk
{
    /// <summary>Walks <paramref name="root"/>.</summary>
    /// <param name="root">An existing folder.</param>
    /// <param name="wanted">Which files matter, by relative path ('/'-separated): only those are listed or, when unusable, reported.</param>
    /// <returns>The wanted regular files and what was left out with the reason, as relative paths with '/' separators, in walk order.</returns>
    public static (IReadOnlyList<string> Files, IReadOnlyList<(string File, string Reason)> Skipped) Files(string root, Func<string, bool> wanted)
    {
        var files = new List<string>();
        var skipped = new List<(string File, string Reason)>();
        var listed = new Dictionary<string, string>(); // identity of each folder listed -> its relative path
        var folders = new Stack<(string Full, string Relative)>();
        var links = new Queue<(string Full, string Relative)>();

        void Enter(string full, string relative, bool viaLink)
        {
            if (PathIdentity.Identity(full) is not string identity) return; // gone since it was listed
            if (listed.TryGetValue(identity, out var where))
            {
                string already = where.Length == 0 ? "the top folder" : where;
                skipped.Add((relative, PathIdentity.Contains(full, Path.GetDirectoryName(full)!)
                    ? $"a link to {already}, which holds it (a loop): not followed"
                    : $"{(viaLink ? "a link to" : "the same folder as")} {already}, listed already: not followed"));
                return;
            }
            listed[identity] = relative;
            folders.Push((full, relative));
        }

        Enter(Path.GetFullPath(root), "", viaLink: false);
        while (folders.Count > 0 || links.Count > 0)
        {
            if (folders.TryPop(out var folder))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(folder.Full).Order(StringComparer.Ordinal))
                {
                    string relative = folder.Relative.Length == 0 ? Path.GetFileName(entry) : $"{folder.Relative}/{Path.GetFileName(entry)}";
                    switch (PathIdentity.Kind(entry))
                    {
                        case PathKind.Folder: Enter(entry, relative, viaLink: false); break;
                        case PathKind.Link: links.Enqueue((entry, relative)); break;
                        case PathKind.File when wanted(relative): files.Add(relative); break;
                        case PathKind.Other when wanted(relative): skipped.Add((relative, NotRegular)); break;
                    }
                }
                continue;
            }
            var link = links.Dequeue();
            switch (PathIdentity.Target(link.Full))
            {
                case PathKind.Folder: Enter(link.Full, link.Relative, viaLink: true); break;
                case PathKind.File when wanted(link.Relative): files.Add(link.Relative); break;
                case PathKind.Other when wanted(link.Relative): skipped.Add((link.Relative, NotRegular)); break;
                case PathKind.Missing when wanted(link.Relative): skipped.Add((link.Relative, "a link that leads nowhere (its target is missing, or links loop)")); break;
            }
        }
        return (files, skipped);
    }

    const string NotRegular = "not a regular file (a FIFO, device or socket)";
}
