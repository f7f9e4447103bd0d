using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StyleGan.Tests.Formats;

/// <summary>Writes pickles opcode by opcode (protocol 2 unless told), and PyTorch's containers around them, for tests.</summary>
public sealed class PickleBuilder
{
    readonly List<byte> bytes = [];

    public PickleBuilder(int protocol = 2)
    {
        if (protocol >= 2) bytes.AddRange([0x80, (byte)protocol]);
    }

    /// <summary>Raw bytes: opcodes and their arguments as given.</summary>
    public PickleBuilder Op(params byte[] raw)
    {
        bytes.AddRange(raw);
        return this;
    }

    public PickleBuilder Op(char opcode) => Op((byte)opcode);

    public PickleBuilder Text(string latin1) => Op(Encoding.Latin1.GetBytes(latin1));

    public PickleBuilder Global(string module, string name) => Op('c').Text($"{module}\n{name}\n");

    /// <summary>BINUNICODE.</summary>
    public PickleBuilder Str(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Op('X').Op(LittleEndian32(utf8.Length)).Op(utf8);
    }

    /// <summary>BININT, or LONG1 beyond 32 bits.</summary>
    public PickleBuilder Int(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue) return Op('J').Op(LittleEndian32((int)value));
        var raw = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, value);
        return Op(0x8a, 8).Op(raw);
    }

    public PickleBuilder Tuple(params long[] items)
    {
        Op('(');
        foreach (long item in items) Int(item);
        return Op('t');
    }

    /// <summary>torch._utils._rebuild_tensor_v2 of a storage given by its persistent id, as torch.save writes it.</summary>
    public PickleBuilder Tensor(string storageType, string key, long numel, long[] size, long[] stride, long offset = 0) =>
        Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int(numel).Op('t').Op('Q')
            .Int(offset).Tuple(size).Tuple(stride).Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R')
            .Op('t').Op('R');

    /// <summary>The pickle, ended with STOP.</summary>
    public byte[] Stop() => [.. bytes, (byte)'.'];

    public static byte[] LittleEndian32(int value)
    {
        var raw = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(raw, value);
        return raw;
    }

    /// <summary>The legacy torch.save layout: magic, protocol 1001, sys_info, the pickle, the storage keys, then per key its count and data.</summary>
    public static byte[] LegacyFile(byte[] pickle, params (string Key, long Count, byte[] Data)[] storages)
    {
        var keys = new PickleBuilder().Op(']').Op('(');
        foreach (var storage in storages) keys.Str(storage.Key);
        var file = new List<byte>();
        file.AddRange(new PickleBuilder().Op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).Stop());
        file.AddRange(new PickleBuilder().Int(1001).Stop());
        file.AddRange(new PickleBuilder().Op('}').Str("little_endian").Op(0x88).Op('s').Stop());
        file.AddRange(pickle);
        file.AddRange(keys.Op('e').Stop());
        foreach (var storage in storages)
        {
            var count = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(count, storage.Count);
            file.AddRange(count);
            file.AddRange(storage.Data);
        }
        return file.ToArray();
    }

    /// <summary>PyTorch's zip layout: entries stored uncompressed under one archive folder.</summary>
    public static byte[] ZipFile(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(data);
            }
        }
        return stream.ToArray();
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
