namespace StyleGan.Files;

/// <summary>
/// Writes a file so that a crash never leaves it half-written: write a temporary sibling (path.tmpPID), flush,
/// rename.
/// </summary>
public static class AtomicFile
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
}
