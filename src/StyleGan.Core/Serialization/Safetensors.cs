using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>A safetensors file in memory: named tensors plus string metadata.</summary>
public sealed class SafetensorsFile : IDisposable
{
    public Dictionary<string, Tensor> Tensors { get; } = new();
    public Dictionary<string, string> Metadata { get; } = new();

    public Tensor this[string name] => Tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"No tensor named '{name}' in the file.");

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}

/// <summary>
/// Reader and writer of the safetensors format (8-byte little-endian header length, JSON header, raw
/// little-endian data). Every size is checked against the file before anything is allocated.
/// </summary>
public static class Safetensors
{
    static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    const long MaxHeaderBytes = 100_000_000;

    /// <summary>Metadata key of the SHA-256 of the data section, written by Save and checked by Load when present.</summary>
    public const string ChecksumKey = "data_sha256";

    public static SafetensorsFile Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the file ({e.Message}).", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>The metadata of a file, from its header alone (the data is neither read nor checked).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var lengthBytes = new byte[8];
            int got = stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false);
            if (got < 8) throw Bad(path, $"only {got} bytes, the header length alone takes 8 (truncated?)");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderBytes || (long)headerLength > stream.Length - 8)
                throw Bad(path, $"the header claims {headerLength} bytes but the file has {stream.Length - 8} after the length (truncated or corrupt)");
            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            return Metadata(ParseHeader(headerBytes, path), path);
        }
        catch (Exception e) when (e is IOException and not FileNotFoundException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the file ({e.Message}).", e);
        }
    }

    static InvalidDataException Bad(string source, string why) => new($"{source}: not a valid safetensors file: {why}.");

    static JsonObject ParseHeader(ReadOnlySpan<byte> headerBytes, string source)
    {
        try { return JsonNode.Parse(Encoding.UTF8.GetString(headerBytes), documentOptions: JsonText.Strict)?.AsObject() ?? throw Bad(source, "empty header"); }
        catch (JsonException e) { throw Bad(source, $"the header is not JSON ({JsonText.Problem(e)})"); }
    }

    static Dictionary<string, string> Metadata(JsonObject header, string source)
    {
        var metadata = new Dictionary<string, string>();
        if (header["__metadata__"] is not { } node) return metadata;
        if (node is not JsonObject entries) throw Bad(source, "__metadata__ is not an object");
        foreach (var (key, value) in entries)
            metadata[key] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text
                : throw Bad(source, $"metadata entry '{key}' is not a string");
        return metadata;
    }

    /// <summary>Parses a whole file; <paramref name="source"/> names it in error messages.</summary>
    public static SafetensorsFile Parse(byte[] bytes, string source)
    {
        InvalidDataException Bad(string why) => Safetensors.Bad(source, why);
        if (bytes.Length < 8) throw Bad($"only {bytes.Length} bytes, the header length alone takes 8 (truncated?)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw Bad($"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length (truncated or corrupt)");

        var header = ParseHeader(bytes.AsSpan(8, (int)headerLength), source);

        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var metadata = Metadata(header, source);
        if (metadata.TryGetValue(ChecksumKey, out var expectedHash)
            && Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan((int)dataStart))) != expectedHash)
            throw Bad("the data does not match its checksum (corrupt or truncated)");

        // Every description is read and the layout checked before anything is allocated.
        var entries = new List<(string Name, ScalarType DType, long[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                var entry = node?.AsObject() ?? throw Bad($"tensor '{name}' has no description");
                string dtypeName = entry["dtype"]?.GetValue<string>() ?? throw Bad($"tensor '{name}' has no dtype");
                if (!DTypes.TryGetValue(dtypeName, out var dtype)) throw Bad($"tensor '{name}' has unsupported dtype {dtypeName}");
                long[] shape = entry["shape"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray() ?? throw Bad($"tensor '{name}' has no shape");
                var offsets = entry["data_offsets"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray();
                if (offsets is not { Length: 2 }) throw Bad($"tensor '{name}' has no data_offsets");
                long begin = offsets[0], end = offsets[1];
                long expected = shape.Any(d => d < 0) ? -1 : checked(shape.Aggregate(1L, (x, y) => x * y) * ElementSize(dtype));
                if (expected < 0 || begin < 0 || end < begin || end > dataLength || end - begin != expected)
                    throw Bad($"tensor '{name}' has offsets [{begin}, {end}) that do not fit its shape [{string.Join(", ", shape)}] {dtypeName} or the {dataLength} data bytes (truncated or corrupt)");
                entries.Add((name, dtype, shape, begin, end));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
            {
                throw Bad($"tensor '{name}' has a malformed description ({node?.ToJsonString()})");
            }
        }
        CheckLayout(entries.Select(e => (e.Begin, e.End, e.Name)).ToList(), dataLength, Bad);

        var file = new SafetensorsFile();
        foreach (var (key, value) in metadata) file.Metadata[key] = value;
        try
        {
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                var tensor = empty(shape, dtype);
                if (end > begin) tensor.bytes = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
                file.Tensors[name] = tensor;
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return file;
    }

    /// <summary>
    /// Writes tensors and metadata (plus the data's SHA-256, so corruption is caught on load) to a temporary file
    /// beside <paramref name="path"/>, then renames it into place.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = new List<(string Name, JsonObject Description)>();
        var blobs = new List<byte[]>();
        long offset = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in tensors)
        {
            using var cpuTensor = tensor.detach().cpu().contiguous();
            byte[] data = cpuTensor.bytes.ToArray();
            entries.Add((name, new JsonObject
            {
                ["dtype"] = DTypes.First(kv => kv.Value == cpuTensor.dtype).Key,
                ["shape"] = new JsonArray(cpuTensor.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + data.Length)),
            }));
            blobs.Add(data);
            hash.AppendData(data);
            offset += data.Length;
        }

        var metadataNode = new JsonObject();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            if (key != ChecksumKey) metadataNode[key] = value;
        metadataNode[ChecksumKey] = Convert.ToHexStringLower(hash.GetHashAndReset());
        var header = new JsonObject { ["__metadata__"] = metadataNode };
        foreach (var (name, description) in entries) header[name] = description;

        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - headerBytes.Length % 8) % 8; // keep the data 8-byte aligned, as the reference writer does
        headerBytes = headerBytes.Concat(Enumerable.Repeat((byte)' ', padding)).ToArray();

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    // The format lays the tensors end to end: no byte shared by two of them, none that belongs to none.
    static void CheckLayout(List<(long Begin, long End, string Name)> ranges, long dataLength, Func<string, InvalidDataException> bad)
    {
        long covered = 0;
        string? previous = null;
        foreach (var (begin, end, name) in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (begin < covered) throw bad($"tensors '{previous}' and '{name}' overlap at byte {begin}");
            if (begin > covered) throw bad($"bytes [{covered}, {begin}) of the data belong to no tensor");
            covered = end;
            previous = name;
        }
        if (covered != dataLength) throw bad($"bytes [{covered}, {dataLength}) of the data belong to no tensor");
    }

    static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
