using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Formats;

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
    internal static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    internal const long MaxHeaderBytes = 100_000_000;

    /// <summary>Metadata key of the SHA-256 of the data section, written by Save and checked by Load when present.</summary>
    public const string ChecksumKey = "data_sha256";

    /// <summary>Reads a whole file into memory (see <see cref="SafetensorsReader"/> to read tensors one by one).</summary>
    public static SafetensorsFile Load(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        var file = new SafetensorsFile();
        foreach (var (key, value) in reader.Metadata) file.Metadata[key] = value;
        try
        {
            foreach (var name in reader.Entries.Keys) file.Tensors[name] = reader.Read(name);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return file;
    }

    /// <summary>The metadata of a file, from its header alone (the data is neither read nor checked).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var reader = SafetensorsReader.Open(path, verifyChecksum: false);
        return reader.Metadata;
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

    internal static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
