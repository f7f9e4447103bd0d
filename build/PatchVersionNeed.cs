// MSBuild task (compiled by RoslynCodeTaskFactory, see Directory.Build.targets).
//
// TorchSharp 0.107's libLibTorchSharp.so lists GLIBCXX_3.4.32 among its version needs for a single
// symbol (std::ios_base_library_init) that no relocation references. Debian 12's libstdc++ stops at
// 3.4.30, so the dynamic loader refuses the whole library. Marking that one Vernaux entry weak
// (VER_FLG_WEAK) tells the loader a missing version is not fatal. We patch only the copies in our
// output folders, only when the system's libstdc++ lacks the version, and the patch is idempotent.
// RoslynCodeTaskFactory compiles this against netstandard2.0, hence the older APIs.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchVersionNeed : Task
{
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();   // ELF files to patch in place
    [Required] public string VersionName { get; set; } = "";                            // e.g. GLIBCXX_3.4.32
    [Required] public string ProvidingLibrary { get; set; } = "";                       // soname that should define it, e.g. libstdc++.so.6

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    static readonly string[] LibraryDirs =
    {
        "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
        "/usr/lib64", "/lib64", "/usr/lib", "/lib",
    };

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return true;
        string? system = LibraryDirs.Select(d => Path.Combine(d, ProvidingLibrary)).FirstOrDefault(File.Exists);
        if (system == null) { Log.LogMessage(MessageImportance.Low, $"No system {ProvidingLibrary} found; nothing to patch."); return true; }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{system} provides {VersionName}; nothing to patch.");
            return true;
        }
        foreach (var item in Libraries)
        {
            string path = item.ItemSpec;
            try
            {
                int patched = MarkWeak(path);
                if (patched > 0) Log.LogMessage(MessageImportance.High, $"Marked {VersionName} weak in {path} (system {system} lacks it).");
            }
            catch (Exception e)
            {
                Log.LogError($"Could not patch {path}: {e.Message}");
                return false;
            }
        }
        return true;
    }

    // Sets VER_FLG_WEAK on the Vernaux entries named VersionName, writing just those flag bytes in place;
    // returns how many changed.
    int MarkWeak(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionHeaders + (long)i * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            long verneed = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + (long)stringSection * sectionHeaderSize) + 0x18);

            for (long need = verneed; ; )
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (ReadString(elf, name) == VersionName && (flags & VerFlagWeak) == 0)
                    {
                        file.Position = aux + 4;
                        file.Write(BitConverter.GetBytes((ushort)(flags | VerFlagWeak)), 0, 2);
                        changed++;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return changed;
    }

    static string ReadString(byte[] bytes, long start)
    {
        long end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
