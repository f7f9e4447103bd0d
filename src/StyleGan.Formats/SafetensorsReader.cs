using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StyleGan.Files;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Formats;

/// <summary>Where one tensor lies in a safetensors file's data section.</summary>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Begin">Offset of its first byte in the data section.</param>
/// <param name="End">Offset after its last byte.</param>
public sealed record SafetensorsEntry(ScalarType DType, long[] Shape, long Begin, long End);

/// <summary>
/// An open safetensors file: its header parsed and checked (every size against the file, the tensors laid end to
/// end, the data against its checksum), its tensors read on demand straight from the file into their destination.
/// Nothing but the header is held in memory, so a network loads with no copy of the file beside its weights.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    readonly FileStream stream;
    readonly long dataStart;

    SafetensorsReader(string path, FileStream stream, long dataStart, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, SafetensorsEntry> entries)
    {
        Path = path;
        this.stream = stream;
        this.dataStart = dataStart;
        Metadata = metadata;
        Entries = entries;
    }

    /// <summary>The file, as given.</summary>
    public string Path { get; }

    /// <summary>The header's string metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors, in the header's order.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <param name="path">The file.</param>
    /// <param name="verifyChecksum">Check the data against the checksum in the metadata, when there is one (one pass over the file).</param>
    public static SafetensorsReader Open(string path, bool verifyChecksum = true)
    {
        return Open(InputFile.OpenData(path, "Safetensors file"), path, verifyChecksum);
    }

    /// <summary>As <see cref="Open(string, bool)"/>, from a file already open (read from its start; the reader owns it).</summary>
    /// <param name="stream">The open file.</param>
    /// <param name="path">Its path, for messages.</param>
    /// <param name="verifyChecksum">Check the data against the checksum in the metadata, when there is one.</param>
    public static SafetensorsReader Open(FileStream stream, string path, bool verifyChecksum = true)
    {
        try
        {
            var lengthBytes = new byte[8];
            int got = stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false);
            if (got < 8) throw Bad(path, $"only {got} bytes, the header length alone takes 8 (truncated?)");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > Safetensors.MaxHeaderBytes || (long)headerLength > stream.Length - 8)
                throw Bad(path, $"the header claims {headerLength} bytes but the file has {stream.Length - 8} after the length (truncated or corrupt)");
            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            long dataStart = 8 + (long)headerLength, dataLength = stream.Length - dataStart;

            JsonObject header;
            try { header = JsonNode.Parse(Encoding.UTF8.GetString(headerBytes), documentOptions: JsonText.Strict)?.AsObject() ?? throw Bad(path, "empty header"); }
            catch (JsonException e) { throw Bad(path, $"the header is not JSON ({JsonText.Problem(e)})"); }
            var metadata = ParseMetadata(header, path);
            var entries = ParseEntries(header, dataLength, path);
            var reader = new SafetensorsReader(path, stream, dataStart, metadata, entries);
            if (verifyChecksum && metadata.TryGetValue(Safetensors.ChecksumKey, out var expected) && reader.DataChecksum() != expected)
                throw Bad(path, "the data does not match its checksum (corrupt or truncated)");
            return reader;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>A new CPU tensor holding <paramref name="name"/>.</summary>
    public Tensor Read(string name)
    {
        var entry = Entry(name);
        var tensor = empty(entry.Shape, entry.DType);
        try
        {
            Fill(entry, tensor);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
        return tensor;
    }

    /// <summary>
    /// Reads <paramref name="name"/> into <paramref name="target"/>, which must have its shape: directly into the
    /// target's memory when it is a contiguous CPU tensor of the file's dtype, else through one converted copy.
    /// </summary>
    public void ReadInto(string name, Tensor target)
    {
        var entry = Entry(name);
        if (!entry.Shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] in {Path} but [{string.Join(", ", target.shape)}] " +
                $"in the network: {Path} was made for another configuration.");
        using var _ = no_grad();
        if (target.dtype == entry.DType && target.device_type == DeviceType.CPU && target.is_contiguous())
        {
            Fill(entry, target);
            return;
        }
        using var read = Read(name);
        target.copy_(read);
    }

    public void Dispose() => stream.Dispose();

    SafetensorsEntry Entry(string name) => Entries.TryGetValue(name, out var entry) ? entry
        : throw new InvalidDataException($"{Path} has no tensor '{name}': the file is incomplete or from another tool.");

    void Fill(SafetensorsEntry entry, Tensor target)
    {
        if (entry.End == entry.Begin) return;
        stream.Position = dataStart + entry.Begin;
        try { stream.ReadExactly(target.bytes); }
        catch (EndOfStreamException) { throw Bad(Path, "the file ended inside its data (truncated)"); }
    }

    string DataChecksum()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        stream.Position = dataStart;
        int read;
        while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static InvalidDataException Bad(string source, string why) => new($"{source}: not a valid safetensors file: {why}.");

    static Dictionary<string, string> ParseMetadata(JsonObject header, string source)
    {
        var metadata = new Dictionary<string, string>();
        if (header["__metadata__"] is not { } node) return metadata;
        if (node is not JsonObject entries) throw Bad(source, "__metadata__ is not an object");
        foreach (var (key, value) in entries)
            metadata[key] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text
                : throw Bad(source, $"metadata entry '{key}' is not a string");
        return metadata;
    }

    // Every description is read and the layout checked before anything is allocated.
    static Dictionary<string, SafetensorsEntry> ParseEntries(JsonObject header, long dataLength, string source)
    {
        var entries = new Dictionary<string, SafetensorsEntry>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                var entry = node?.AsObject() ?? throw Bad(source, $"tensor '{name}' has no description");
                string dtypeName = entry["dtype"]?.GetValue<string>() ?? throw Bad(source, $"tensor '{name}' has no dtype");
                if (!Safetensors.DTypes.TryGetValue(dtypeName, out var dtype)) throw Bad(source, $"tensor '{name}' has unsupported dtype {dtypeName}");
                long[] shape = entry["shape"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray() ?? throw Bad(source, $"tensor '{name}' has no shape");
                var offsets = entry["data_offsets"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray();
                if (offsets is not { Length: 2 }) throw Bad(source, $"tensor '{name}' has no data_offsets");
                long begin = offsets[0], end = offsets[1];
                long expected = shape.Any(d => d < 0) ? -1 : checked(shape.Aggregate(1L, (x, y) => x * y) * Safetensors.ElementSize(dtype));
                if (expected < 0 || begin < 0 || end < begin || end > dataLength || end - begin != expected)
                    throw Bad(source, $"tensor '{name}' has offsets [{begin}, {end}) that do not fit its shape [{string.Join(", ", shape)}] {dtypeName} or the {dataLength} data bytes (truncated or corrupt)");
                entries[name] = new SafetensorsEntry(dtype, shape, begin, end);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
            {
                throw Bad(source, $"tensor '{name}' has a malformed description ({node?.ToJsonString()})");
            }
        }
        CheckLayout(entries, dataLength, source);
        return entries;
    }

    // The format lays the tensors end to end: no byte shared by two of them, none that belongs to none.
    static void CheckLayout(Dictionary<string, SafetensorsEntry> entries, long dataLength, string source)
    {
        long covered = 0;
        string? previous = null;
        foreach (var (name, entry) in entries.OrderBy(e => e.Value.Begin).ThenBy(e => e.Value.End))
        {
            if (entry.Begin < covered) throw Bad(source, $"tensors '{previous}' and '{name}' overlap at byte {entry.Begin}");
            if (entry.Begin > covered) throw Bad(source, $"bytes [{covered}, {entry.Begin}) of the data belong to no tensor");
            covered = entry.End;
            previous = name;
        }
        if (covered != dataLength) throw Bad(source, $"bytes [{covered}, {dataLength}) of the data belong to no tensor");
    }
}
