using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StyleGan.Files;

/// <summary>
/// Writes a file so that a crash never leaves it half-written: write a temporary sibling (path.tmpPID), flush,
/// rename. A process killed mid-write leaves its temporary behind; <see cref="DeleteStale"/> removes those, and a
/// process stopped by a signal removes its own first (<see cref="DeleteInFlight"/>).
/// </summary>
public static partial class AtomicFile
{
    // The temporaries this process is writing now (files, or folders written whole).
    static readonly ConcurrentDictionary<string, byte> inFlight = new();
    static volatile bool ending;

    /// <summary>
    /// Called by a writer of a temporary folder before each file it adds: once the process is ending (see
    /// <see cref="DeleteInFlight"/>), it waits for the end instead of making the folder again.
    /// </summary>
    public static void WaitIfEnding()
    {
        if (ending) Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Marks a temporary file or folder as being written, until the returned handle is disposed.</summary>
    /// <param name="temporary">The temporary path (see <see cref="TemporaryPath"/>).</param>
    public static IDisposable Track(string temporary)
    {
        inFlight[temporary] = 0;
        return new Tracked(temporary);
    }

    /// <summary>
    /// Deletes every temporary this process is writing: for a process stopped by a signal, whose default ending runs
    /// no finally block (SIGINT during `stylegan dataset` left DEST.tmpPID behind). Errors are ignored: the process is
    /// ending, and what remains is stale for <see cref="DeleteStale"/>.
    /// </summary>
    public static void DeleteInFlight()
    {
        ending = true;
        // A writer may be adding one last file to a folder as it is deleted; the next try finds it stopped.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            foreach (var temporary in inFlight.Keys)
            {
                try
                {
                    if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
                    else File.Delete(temporary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            if (inFlight.Keys.All(temporary => !Path.Exists(temporary))) return;
            Thread.Sleep(50);
        }
    }

    sealed class Tracked(string temporary) : IDisposable
    {
        public void Dispose() => inFlight.TryRemove(temporary, out _);
    }

    /// <summary>Writes <paramref name="path"/> whole or not at all; refuses, before writing, a path where something other than a regular file is.</summary>
    /// <param name="path">The file to write (or replace).</param>
    /// <param name="write">Writes the content to the stream.</param>
    public static void Write(string path, Action<Stream> write) => WriteThroughPath(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
        write(stream);
    });

    /// <summary>
    /// <see cref="Write"/> for a writer that opens the file itself, such as another program (ffmpeg): it writes the
    /// temporary path it is given, which is flushed to disk and renamed once it returns, and deleted if it throws.
    /// </summary>
    /// <param name="path">The file to write (or replace).</param>
    /// <param name="write">Writes the whole content to the temporary path it is given (a file may already be there: replace it).</param>
    public static void WriteThroughPath(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        if (PathIdentity.Kind(full) is not (PathKind.Missing or PathKind.File))
            throw new IOException($"{full} is there and is not a regular file (a folder, link, device, FIFO or socket); it is never replaced.");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = TemporaryPath(full);
        using var tracked = Track(temporary);
        try
        {
            write(temporary);
            if (PathIdentity.Kind(temporary) != PathKind.File) throw new IOException($"Writing {full} left no file at {temporary}.");
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.Write, FileShare.None)) written.Flush(flushToDisk: true);
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
