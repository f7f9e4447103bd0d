using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StyleGan.Files;

/// <summary>
/// Writes a file so that a crash never leaves it half-written: write a temporary sibling (path.tmpPID), flush,
/// rename. A process killed mid-write leaves its temporary behind; <see cref="DeleteStale"/> removes those.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> whole or not at all; refuses, before writing, a path where something other than a regular file is.</summary>
    /// <param name="path">The file to write (or replace).</param>
    /// <param name="write">Writes the content to the stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        if (PathIdentity.Kind(full) is not (PathKind.Missing or PathKind.File))
            throw new IOException($"{full} is there and is not a regular file (a folder, link, device, FIFO or socket); it is never replaced.");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = TemporaryPath(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The temporary sibling through which this process writes <paramref name="path"/>.</summary>
    /// <param name="path">The file or folder to be written.</param>
    public static string TemporaryPath(string path) => $"{Path.TrimEndingDirectorySeparator(path)}.tmp{Environment.ProcessId}";

    /// <summary>
    /// Deletes the temporary files in a folder that writes of processes no longer running left behind (killed
    /// mid-write). Those named with this process's id count as stale too: call this before this process writes
    /// there (a process in a container often gets the id its killed predecessor had).
    /// </summary>
    /// <param name="folder">The folder (not searched below).</param>
    /// <returns>The files deleted.</returns>
    public static IReadOnlyList<string> DeleteStale(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var deleted = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var match = TemporaryName().Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups[1].Value, out int pid) || PathIdentity.Kind(file) != PathKind.File) continue;
            if (pid != Environment.ProcessId && IsRunning(pid)) continue; // perhaps still writing
            File.Delete(file);
            deleted.Add(file);
        }
        return deleted;
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\.tmp([0-9]+)$")]
    private static partial Regex TemporaryName();
}
