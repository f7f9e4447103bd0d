using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// One storage of a PyTorch file: a flat array of one dtype that tensors view with an offset, a size and strides.
/// The legacy format writes the data after the pickle that creates the tensors, so each tensor is allocated when
/// the pickle asks for it and filled as soon as the data is there. Once it is, the storage holds it as one flat
/// tensor, not as the file's bytes, and a view of all of it (every storage of NVIDIA's snapshots) is that tensor.
/// </summary>
internal sealed class TorchStorage(string key, ScalarType dtype, long numel)
{
    readonly List<(Tensor Target, long Offset, long[] Size, long[] Stride)> unfilled = [];
    Tensor? data;

    public string Key { get; } = key;

    public ScalarType DType { get; } = dtype;

    public long Numel { get; } = numel;

    public long ByteLength => Numel * TorchDTypes.ElementSize(DType);

    public bool HasData => data is not null;

    /// <summary>
    /// Reads PyTorch's persistent id of a storage, ('storage', storage_type, key, location, numel[, view_metadata]),
    /// refusing a size larger than the whole file before anything is allocated. The location (cpu, cuda:0) is
    /// ignored: every storage loads to the CPU.
    /// </summary>
    public static (string Key, StorageType Type, long Numel, object? ViewMetadata) ParseId(object? id, LoadContext context)
    {
        if (id is not PyTuple { Count: 5 or 6 } tuple || tuple[0] is not "storage")
            throw context.Corrupt($"a persistent id of {PyValue.Describe(id)}, where PyTorch writes ('storage', type, key, location, size)");
        const string what = "a storage's persistent id";
        var type = context.Arg<StorageType>(tuple, 1, what);
        string key = context.Arg<string>(tuple, 2, what);
        long numel = context.Arg<long>(tuple, 4, what);
        int elementSize = TorchDTypes.ElementSize(type.DType);
        if (numel < 0 || numel > context.FileLength / elementSize)
            throw context.Refuse($"storage '{key}' declares {numel} {type.DType} elements ({(System.Numerics.BigInteger)numel * elementSize} bytes), more than the whole file's {context.FileLength} bytes can hold");
        return (key, type, numel, tuple.Count == 6 ? tuple[5] : null);
    }

    /// <summary>
    /// A new contiguous tensor holding the view (offset, size, strides in elements) of this storage, as
    /// <c>storage.as_strided(size, stride, offset).contiguous()</c>; every index is checked against the storage.
    /// </summary>
    public Tensor View(long offset, long[] size, long[] stride, LoadContext context)
    {
        string layout = $"size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}] and offset {offset}";
        if (size.Length != stride.Length || offset < 0 || size.Any(d => d < 0) || stride.Any(s => s < 0))
            throw context.Corrupt($"a tensor of storage '{Key}' has {layout}, which is not a valid layout");
        long elements, last;
        try
        {
            elements = size.Aggregate(1L, (product, d) => checked(product * d));
            last = elements == 0 ? offset - 1 : checked(offset + size.Zip(stride).Sum(p => checked((p.First - 1) * p.Second)));
        }
        catch (OverflowException) { throw context.Corrupt($"a tensor of storage '{Key}' has {layout}, which overflows"); }
        if (last >= Numel || offset > Numel)
            throw context.Corrupt($"a tensor with {layout} reaches past the end of storage '{Key}' ({Numel} elements)");

        context.ReserveTensorBytes(elements * TorchDTypes.ElementSize(DType));
        if (data is not null)
            return context.Track(offset == 0 && elements == Numel && IsContiguous(size, stride) ? data.reshape(size) : data.as_strided(size, stride, offset).contiguous());
        var tensor = context.Track(empty(size, DType));
        unfilled.Add((context.Track(tensor.detach()), offset, size, stride)); // shares the memory it fills
        return tensor;
    }

    /// <summary>Gives the storage its data (exactly <see cref="ByteLength"/> bytes) and fills the tensors that wait for it.</summary>
    public void SetData(ReadOnlySpan<byte> bytes, LoadContext context)
    {
        if (bytes.Length != ByteLength)
            throw context.Corrupt($"storage '{Key}' holds {bytes.Length} bytes where its {Numel} {DType} elements need {ByteLength}");
        data = context.Track(empty(Numel, DType));
        if (Numel > 0) bytes.CopyTo(data.bytes);
        using (no_grad())
            foreach (var (target, offset, size, stride) in unfilled)
            {
                if (target.numel() > 0) target.copy_(data.as_strided(size, stride, offset));
                target.Dispose();
            }
        unfilled.Clear();
    }

    static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }
}
