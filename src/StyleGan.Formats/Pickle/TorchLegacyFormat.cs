using System.Buffers.Binary;
using System.Numerics;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// PyTorch's legacy format (torch.save with <c>_use_new_zipfile_serialization=False</c>, and the bytes of every
/// storage in NVIDIA's .pkl files): pickles of a magic number, the protocol version 1001 and a sys_info dict, then
/// the main pickle, then a pickled list of storage keys, then for each key in that order an int64 element count
/// followed by the raw little-endian data.
/// </summary>
internal static class TorchLegacyFormat
{
    public static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    const long ProtocolVersion = 1001;

    /// <param name="bytes">The whole file.</param>
    /// <param name="position">Just past the pickled magic number.</param>
    /// <param name="context">What the load shares across its pickles: the file's name for messages, the memory its tensors may take.</param>
    public static object? Load(byte[] bytes, int position, LoadContext context)
    {
        if (PickleMachine.Run(bytes, ref position, context, null) is not ProtocolVersion and var protocol)
            throw context.Corrupt($"legacy PyTorch protocol version {PyValue.Describe(protocol)}, where this reader knows {ProtocolVersion}");
        if (PickleMachine.Run(bytes, ref position, context, null) is not PyDict sysInfo)
            throw context.Corrupt("the legacy header has no sys_info dict");
        if (sysInfo.TryGet<bool>("little_endian", out bool littleEndian) && !littleEndian)
            throw context.Refuse("the file was saved on a big-endian machine; this reader reads little-endian data only");

        var storages = new Dictionary<string, TorchStorage>();
        object? PersistentLoad(object? id)
        {
            // torch.save of a whole nn.Module writes its class as ('module', class, source file, source): keep the class.
            if (id is PyTuple { Count: 4 } module && module[0] is "module") return module[1];
            var (key, type, numel, view) = TorchStorage.ParseId(id, context);
            if (view is not null)
                throw context.Corrupt($"storage '{key}' is a view of another storage, which only PyTorch before 0.4 wrote; this reader does not support it");
            if (storages.TryGetValue(key, out var known))
            {
                if (known.DType != type.DType || known.Numel != numel)
                    throw context.Corrupt($"storage '{key}' is referred to as {known.Numel} {known.DType} and as {numel} {type.DType} elements");
                return known;
            }
            return storages[key] = new TorchStorage(key, type.DType, numel);
        }
        var result = PickleMachine.Run(bytes, ref position, context, PersistentLoad);

        if (PickleMachine.Run(bytes, ref position, context, null) is not List<object?> keys)
            throw context.Corrupt("the list of storage keys after the pickle is missing");
        foreach (var key in keys)
        {
            if (key is not string name || !storages.TryGetValue(name, out var storage))
                throw context.Corrupt($"the storage list names {PyValue.Describe(key)}, which the pickle does not refer to");
            if (storage.HasData) throw context.Corrupt($"the storage list names '{name}' twice");
            if (bytes.Length - position < 8) throw context.Corrupt($"the data of storage '{name}' is missing (truncated)");
            long count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position));
            position += 8;
            if (count != storage.Numel)
                throw context.Corrupt($"storage '{name}' has {count} elements in the data but {storage.Numel} in the pickle");
            if (storage.ByteLength > bytes.Length - position)
                throw context.Corrupt($"storage '{name}' needs {storage.ByteLength} bytes but only {bytes.Length - position} remain (truncated)");
            storage.SetData(bytes.AsSpan(position, (int)storage.ByteLength), context);
            position += (int)storage.ByteLength;
        }
        if (storages.Values.FirstOrDefault(s => !s.HasData) is { } missing)
            throw context.Corrupt($"storage '{missing.Key}' has no data in the file (truncated?)");
        return result;
    }
}
