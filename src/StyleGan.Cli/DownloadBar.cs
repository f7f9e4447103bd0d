using StyleGan.Runtime;

namespace StyleGan.Cli;

/// <summary>Shows the download of a published weight file on stderr: a bar redrawn in place on a terminal, a line at the start and end otherwise.</summary>
public static class DownloadBar
{
    const int Width = 30;
    static long lastDrawn = -1;

    /// <summary>Makes <see cref="PublishedFile.DownloadProgress"/> draw the bar.</summary>
    public static void Attach() => PublishedFile.DownloadProgress = Draw;

    static void Draw(string name, long done, long? total)
    {
        bool terminal = !Console.IsErrorRedirected;
        if (done == 0)
        {
            Console.Error.WriteLine($"downloading {name}{(total is long size ? $" ({size / 1e6:F1} MB)" : "")} into {CacheFolder.Path}");
            lastDrawn = -1;
        }
        if (!terminal)
        {
            if (done > 0 && done == total) Console.Error.WriteLine($"downloaded {name}");
            return;
        }
        // Redrawn once a megabyte or at the end, not per buffer.
        if (done / 1_000_000 == lastDrawn / 1_000_000 && done != total) return;
        lastDrawn = done;
        string bar = total is long all && all > 0
            ? $"[{new string('#', (int)(Width * done / all)).PadRight(Width)}] {100.0 * done / all,5:F1}%"
            : $"{done / 1e6:F1} MB";
        Console.Error.Write($"\r  {bar}  {done / 1e6:F1} MB");
        if (done == total) Console.Error.WriteLine();
    }
}
