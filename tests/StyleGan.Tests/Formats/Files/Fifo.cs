using System.Runtime.InteropServices;

namespace StyleGan.Tests.Formats.Files;

/// <summary>Makes named pipes (FIFOs): opening one for reading blocks until a writer comes, so a tool must never read or replace one.</summary>
public static class Fifo
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    static extern int MakeFifo(string path, uint mode);

    /// <param name="path">Where the FIFO goes.</param>
    public static string Create(string path)
    {
        if (MakeFifo(path, 0x1B6) != 0) // 0666
            throw new IOException($"mkfifo {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return path;
    }
}
