using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace StyleGan.Files;

/// <summary>The C library's statx(2), realpath(3), access(2) and open(2), on Linux.</summary>
static class Libc
{
    const int AtCurrentFolder = -100; // AT_FDCWD
    const int AtNoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    const int AtEmptyPath = 0x1000; // AT_EMPTY_PATH: statx of the descriptor itself
    const uint WantTypeAndInode = 0x1 | 0x100; // STATX_TYPE | STATX_INO
    const int WriteAndSearch = 2 | 1; // W_OK | X_OK
    // O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC: the same values on x86-64 and arm64. Non-blocking, so that a FIFO
    // put in the file's place after it was checked opens at once (and is then refused) instead of waiting for a writer.
    const int ReadNonBlocking = 0 | 0x100 | 0x800 | 0x80000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int StatX(int folder, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    static extern IntPtr RealPath(string path, byte[] resolved);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    static extern int Access(string path, int mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    static extern int Open(string path, int flags);

    /// <summary>The kind and identity (device:inode) of a path, or null when nothing is there.</summary>
    public static (PathKind Kind, string Identity)? Stat(string full, bool followLinks)
    {
        var buffer = new byte[256];
        return StatX(AtCurrentFolder, full, followLinks ? 0 : AtNoFollow, WantTypeAndInode, buffer) != 0 ? null : Parse(buffer);
    }

    /// <summary>The kind and identity of an open file.</summary>
    public static (PathKind Kind, string Identity) Stat(SafeFileHandle handle)
    {
        var buffer = new byte[256];
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (StatX((int)handle.DangerousGetHandle(), "", AtEmptyPath, WantTypeAndInode, buffer) != 0)
                throw new IOException($"Cannot stat an open file: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return Parse(buffer);
    }

    /// <summary>Opens a file to read without waiting (see ReadNonBlocking); IOException naming it when it cannot be.</summary>
    public static SafeFileHandle OpenRead(string full)
    {
        int descriptor = Open(full, ReadNonBlocking);
        if (descriptor < 0) throw new IOException($"Cannot open {full}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    public static string RealPath(string full)
    {
        var resolved = new byte[4096]; // PATH_MAX
        if (RealPath(full, resolved) == IntPtr.Zero)
            throw new IOException($"Cannot resolve {full}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        return Encoding.UTF8.GetString(resolved, 0, Array.IndexOf(resolved, (byte)0));
    }

    public static bool CanCreateIn(string full) => Access(full, WriteAndSearch) == 0;

    // struct statx has one layout on every architecture (the kernel's UAPI): mode at 28, inode at 32, device at 136/140.
    static (PathKind, string) Parse(byte[] buffer)
    {
        int type = BitConverter.ToUInt16(buffer, 28) & 0xF000; // S_IFMT
        var kind = type switch
        {
            0x8000 => PathKind.File, // S_IFREG
            0x4000 => PathKind.Folder, // S_IFDIR
            0xA000 => PathKind.Link, // S_IFLNK
            _ => PathKind.Other,
        };
        return (kind, $"{BitConverter.ToUInt32(buffer, 136)}:{BitConverter.ToUInt32(buffer, 140)}:{BitConverter.ToUInt64(buffer, 32)}");
    }
}
