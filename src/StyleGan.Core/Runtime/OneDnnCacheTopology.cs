using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace StyleGan.Runtime;

/// <summary>
/// Why libtorch 2.10's oneDNN computes wrong float32 convolutions on some AMD virtual machines, and the repair.
/// oneDNN 3.7 reads the caches of an AMD CPU from CPUID leaf 0x8000001D alone (its Xbyak <c>Cpu</c> class, after
/// AMD's ZenDNN) and takes three cache levels for granted. Where a hypervisor leaves that leaf empty (the AMD EPYC
/// family 26 VMs here: every sub-leaf reads 0, although TOPOEXT is set), each level's size comes out as
/// 1 x 1 x 1 x 1 = 1 byte. With caches of one byte, the reorders into oneDNN's blocked layouts that pad the channels
/// (a channel count that is not a multiple of 16, at a batch above 1) write wrong values and sometimes NaN; every
/// convolution that needs such a reorder is off by 5-60%. Telling oneDNN that the cache levels are unknown
/// (zero levels) makes it take its own defaults (32 KiB, 512 KiB, 1 MiB per core), as it does on any CPU that
/// describes no caches, and the results are right again at oneDNN's speed. The object is found in libtorch's writable
/// memory by its exact contents: the three one-byte levels, one core sharing each, and the family, model and stepping
/// CPUID reports, so that nothing else can match; where it is not found, nothing is written.
/// </summary>
public static class OneDnnCacheTopology
{
    // Xbyak::util::Cpu from dataCacheSize_ on: dataCacheSize_[10], coresSharignDataCache_[10], dataCacheLevels_,
    // avx10version_, then model, family, stepping, extModel, extFamily, displayFamily, displayModel.
    const int CacheSlots = 10;
    const int LevelsIndex = 2 * CacheSlots;
    const int SignatureLength = LevelsIndex + 9;
    const int ChunkWords = 1 << 18;

    /// <summary>
    /// Whether this CPU is one whose caches oneDNN misreads: an AMD CPU whose CPUID has leaf 0x8000001D, with that
    /// leaf describing no cache. Only Linux is looked at, since the repair finds libtorch's memory through /proc.
    /// </summary>
    public static bool IsMisread()
    {
        if (!X86Base.IsSupported || !OperatingSystem.IsLinux()) return false;
        var (_, vendor1, vendor3, vendor2) = X86Base.CpuId(0, 0);
        bool amd = vendor1 == 0x68747541 && vendor2 == 0x69746e65 && vendor3 == 0x444d4163; // "AuthenticAMD"
        if (!amd || (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x8000001D) return false;
        return (X86Base.CpuId(unchecked((int)0x8000001D), 0).Eax & 0x1F) == 0;
    }

    /// <summary>
    /// Where <see cref="IsMisread"/>, makes oneDNN take its default cache sizes. Runs one small convolution first, so
    /// that oneDNN has read the CPU; call it before any other convolution, whose reorders oneDNN would otherwise keep
    /// in its primitive cache as they were built.
    /// </summary>
    /// <returns>True when the cache description was found and rewritten.</returns>
    public static bool Repair()
    {
        if (!IsMisread()) return false;
        using (var scope = NewDisposeScope())
            nn.functional.conv2d(ones(1, 16, 3, 5), ones(16, 16, 1, 1)); // a shape no network here convolves
        var expected = Signature();
        int found = 0;
        var words = new int[ChunkWords + SignatureLength];
        foreach (var (start, length) in WritableRegionsOfLibTorch())
        {
            // In chunks that overlap by a signature, so that a region merged with a large neighbour costs no large copy.
            for (long offset = 0; offset + 4L * SignatureLength <= length; offset += 4L * ChunkWords)
            {
                int count = (int)Math.Min(words.Length, (length - offset) / 4);
                Marshal.Copy(start + (nint)offset, words, 0, count);
                for (int i = 0; i < ChunkWords && i + SignatureLength <= count; i++)
                {
                    if (!Matches(words, i, expected)) continue;
                    Marshal.WriteInt32(start + (nint)offset + 4 * (i + LevelsIndex), 0);
                    found++;
                }
            }
        }
        return found > 0;
    }

    // What the misread object holds: three one-byte levels, each shared by one core, three levels, any AVX10
    // version, then the CPU's identity as CPUID leaf 1 gives it (Xbyak's setFamily).
    static int?[] Signature()
    {
        var signature = new int?[SignatureLength];
        for (int level = 0; level < CacheSlots; level++)
        {
            signature[level] = level < 3 ? 1 : 0;
            signature[CacheSlots + level] = level < 3 ? 1 : 0;
        }
        signature[LevelsIndex] = 3;
        signature[LevelsIndex + 1] = null;
        int eax = X86Base.CpuId(1, 0).Eax;
        int model = (eax >> 4) & 0xF, family = (eax >> 8) & 0xF, stepping = eax & 0xF;
        int extModel = (eax >> 16) & 0xF, extFamily = (eax >> 20) & 0xFF;
        int displayFamily = family == 0xF ? family + extFamily : family;
        int displayModel = family is 0x6 or 0xF ? (extModel << 4) + model : model;
        int?[] identity = [model, family, stepping, extModel, extFamily, displayFamily, displayModel];
        identity.CopyTo(signature, LevelsIndex + 2);
        return signature;
    }

    static bool Matches(int[] words, int offset, int?[] expected)
    {
        for (int k = 0; k < expected.Length; k++)
            if (expected[k] is int value && words[offset + k] != value) return false;
        return true;
    }

    /// <summary>libtorch_cpu's writable segments and the anonymous mapping right after them (its .bss).</summary>
    static IEnumerable<(IntPtr Start, long Length)> WritableRegionsOfLibTorch()
    {
        bool previousWasLibTorch = false;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            bool isLibTorch = fields.Length == 6 && Path.GetFileName(fields[5].Trim()) == "libtorch_cpu.so";
            bool anonymous = fields.Length < 6 || fields[5].Trim().Length == 0;
            if (fields[1].StartsWith("rw", StringComparison.Ordinal) && (isLibTorch || (anonymous && previousWasLibTorch)))
            {
                var range = fields[0].Split('-');
                long start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                long end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return (new IntPtr(start), end - start);
            }
            previousWasLibTorch = isLibTorch;
        }
    }
}
