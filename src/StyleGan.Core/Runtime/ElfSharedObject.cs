using System.Buffers.Binary;
using System.Text;

namespace StyleGan.Runtime;

/// <summary>One symbol version that a shared object needs from a library (an entry of its <c>.gnu.version_r</c>).</summary>
/// <param name="Library">The library that should define it, as named in the object (e.g. libstdc++.so.6).</param>
/// <param name="Version">The version's name, e.g. GLIBCXX_3.4.32.</param>
/// <param name="Index">The version index that the object's symbols carry in <c>.gnu.version</c>.</param>
/// <param name="Weak">Whether it is marked VER_FLG_WEAK: the loader then accepts a library that lacks it.</param>
/// <param name="FlagsOffset">Where its two flag bytes sit in the file.</param>
public sealed record VersionNeed(string Library, string Version, ushort Index, bool Weak, long FlagsOffset);

/// <summary>
/// What a 64-bit little-endian ELF shared object tells the dynamic loader, read from its section headers: the
/// libraries it needs, the symbol versions it needs and defines, and which versions its relocations bind. Enough to
/// decide whether a missing version need can be marked weak (see <see cref="WeakVersionCopy"/>); nothing is run.
/// </summary>
public sealed class ElfSharedObject
{
    const uint ShtRela = 4, ShtDynamic = 6, ShtRel = 9, ShtDynsym = 11;
    const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const long DtNull = 0, DtNeeded = 1;
    const ushort VerFlagWeak = 0x2;

    readonly byte[] bytes;
    readonly string name;
    readonly List<Section> sections = [];

    readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    /// <param name="bytes">The whole file.</param>
    /// <param name="name">The file's path, which starts every refusal.</param>
    public ElfSharedObject(byte[] bytes, string name)
    {
        this.bytes = bytes;
        this.name = name;
        if (bytes.Length < 64 || !bytes.AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
            throw new InvalidDataException($"{name}: not an ELF file.");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException($"{name}: only 64-bit little-endian ELF files are read (this one is {(bytes[4] == 1 ? "32" : "64")}-bit, {(bytes[5] == 2 ? "big" : "little")}-endian).");
        long headers = (long)U64(0x28);
        int headerSize = U16(0x3A), count = U16(0x3C);
        if (count == 0 || headerSize < 64) throw new InvalidDataException($"{name}: the ELF file has no section headers to read.");
        for (int i = 0; i < count; i++)
        {
            long at = headers + (long)i * headerSize;
            sections.Add(new Section(U32(at + 4), (long)U64(at + 0x18), (long)U64(at + 0x20), U32(at + 0x28), U32(at + 0x2C), (long)U64(at + 0x38)));
        }
        Needed = ReadNeeded();
        VersionNeeds = ReadVersionNeeds();
        VersionDefinitions = ReadVersionDefinitions();
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static ElfSharedObject Read(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>The libraries it names as DT_NEEDED, in order (e.g. libtorch.so, libstdc++.so.6).</summary>
    public IReadOnlyList<string> Needed { get; }

    /// <summary>Every version it needs, of every library.</summary>
    public IReadOnlyList<VersionNeed> VersionNeeds { get; }

    /// <summary>The names of the versions it defines (what a library such as libstdc++ provides).</summary>
    public IReadOnlySet<string> VersionDefinitions { get; }

    /// <summary>
    /// Whether a relocation binds a symbol of version <paramref name="index"/>: only then does the loader look such
    /// a symbol up, so a need whose symbols no relocation binds can be weak without anything failing later.
    /// </summary>
    public bool BindsSymbolsOf(ushort index)
    {
        int dynsym = sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym < 0 || versym.Size == 0) return false;
        foreach (var relocations in sections.Where(s => (s.Type is ShtRela or ShtRel) && s.Link == dynsym))
        {
            long entry = relocations.Type == ShtRela ? 24 : 16;
            for (long at = relocations.Offset; at + entry <= relocations.Offset + relocations.Size; at += entry)
            {
                long symbol = (long)(U64(at + 8) >> 32);
                if (symbol != 0 && (U16(versym.Offset + 2 * symbol) & 0x7fff) == index) return true;
            }
        }
        return false;
    }

    IReadOnlyList<string> ReadNeeded()
    {
        var needed = new List<string>();
        foreach (var dynamic in sections.Where(s => s.Type == ShtDynamic))
        {
            long strings = StringTable(dynamic.Link);
            for (long at = dynamic.Offset; at + 16 <= dynamic.Offset + dynamic.Size; at += 16)
            {
                long tag = (long)U64(at);
                if (tag == DtNull) break;
                if (tag == DtNeeded) needed.Add(String(strings + (long)U64(at + 8)));
            }
        }
        return needed;
    }

    IReadOnlyList<VersionNeed> ReadVersionNeeds()
    {
        var needs = new List<VersionNeed>();
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            long strings = StringTable(section.Link);
            long need = section.Offset;
            // sh_info counts the entries, which bounds the walk of a file whose next-links loop.
            for (uint n = 0; n < section.Info; n++)
            {
                string library = String(strings + U32(need + 4));
                long aux = need + U32(need + 8);
                for (int a = 0, count = U16(need + 2); a < count; a++)
                {
                    ushort flags = U16(aux + 4);
                    needs.Add(new VersionNeed(library, String(strings + U32(aux + 8)), U16(aux + 6), (flags & VerFlagWeak) != 0, aux + 4));
                    aux += U32(aux + 12);
                }
                uint next = U32(need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return needs;
    }

    IReadOnlySet<string> ReadVersionDefinitions()
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerdef))
        {
            long strings = StringTable(section.Link);
            long definition = section.Offset;
            for (uint n = 0; n < section.Info; n++)
            {
                // The first Verdaux names the version; later ones name the versions it inherits from.
                if (U16(definition + 6) > 0) defined.Add(String(strings + U32(definition + U32(definition + 12))));
                uint next = U32(definition + 16);
                if (next == 0) break;
                definition += next;
            }
        }
        return defined;
    }

    long StringTable(uint index)
    {
        if (index >= sections.Count) throw Broken($"a section links string table {index}, but there are {sections.Count} sections");
        return sections[(int)index].Offset;
    }

    string String(long at)
    {
        Check(at, 1);
        int end = Array.IndexOf(bytes, (byte)0, (int)at);
        if (end < 0) throw Broken($"the string at offset {at} has no end");
        return Encoding.UTF8.GetString(bytes, (int)at, end - (int)at);
    }

    ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Span(at, 2));
    uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));
    ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Span(at, 8));

    ReadOnlySpan<byte> Span(long at, int length)
    {
        Check(at, length);
        return bytes.AsSpan((int)at, length);
    }

    void Check(long at, int length)
    {
        if (at < 0 || at > bytes.Length - length) throw Broken($"offset {at} is outside the file's {bytes.Length} bytes");
    }

    InvalidDataException Broken(string what) => new($"{name}: not a valid ELF file: {what} (truncated or corrupt).");
}
