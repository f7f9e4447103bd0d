using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// A NumPy array from a pickle (StyleGAN3 networks keep sizes such as <c>in_size</c> as arrays), with its values as a
/// contiguous CPU tensor of the same dtype and shape. Arrays of types torch lacks (strings, objects, unsigned ints
/// wider than 8 bits) are refused when the file is read.
/// </summary>
public sealed class NumpyArray
{
    Tensor? values;

    internal NumpyArray()
    {
    }

    /// <summary>The NumPy type code, e.g. "f4" or "i8".</summary>
    public string DTypeCode { get; private set; } = "";

    /// <summary>The values, in the array's shape (C order).</summary>
    public Tensor Values => values ?? throw new InvalidOperationException("The pickle created this numpy array without giving it its data.");

    /// <summary>BUILD's state: ([version,] shape, dtype, is_fortran, data bytes).</summary>
    internal void SetState(object? state, LoadContext context)
    {
        const string what = "a numpy array's state";
        if (state is not PyTuple { Count: 4 or 5 } tuple)
            throw context.Corrupt($"a numpy array gets the state {PyValue.Describe(state)}, not (version, shape, dtype, is_fortran, data)");
        int first = tuple.Count - 4; // version 1 states lead with the version
        var shape = context.Arg<PyTuple>(tuple, first, what).Select(d => d as long? ?? -1).ToArray();
        var dtype = context.Arg<NumpyGlobals.DType>(tuple, first + 1, what);
        bool fortranOrder = context.Arg<bool>(tuple, first + 2, what);
        var torchType = dtype.TorchType
            ?? throw context.Corrupt($"a numpy array of dtype '{dtype.Code}', which has no torch counterpart; this reader reads arrays of bools, ints and floats");
        byte[] data = NumpyGlobals.Bytes(tuple, first + 3, what, context);
        if (shape.Any(d => d < 0) || Elements(shape, data.Length) * dtype.Size != data.Length)
            throw context.Corrupt($"a numpy array of shape ({string.Join(", ", shape)}) and dtype '{dtype.Code}' comes with {data.Length} bytes");

        context.ReserveTensorBytes(data.Length);
        // Fortran order stores the transpose's C order: read the reversed shape, then reverse the axes back.
        var stored = context.Track(empty(fortranOrder ? shape.Reverse().ToArray() : shape, torchType));
        if (data.Length > 0) stored.bytes = dtype.LittleEndian(data);
        if (fortranOrder)
        {
            using var transposed = stored.permute(Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i).ToArray());
            values = context.Track(transposed.contiguous());
            stored.Dispose();
        }
        else values = stored;
        DTypeCode = dtype.Code;
    }

    /// <summary>The number of elements, or -1 once it exceeds <paramref name="limit"/> (so it cannot overflow).</summary>
    static long Elements(long[] shape, long limit)
    {
        if (shape.Contains(0)) return 0;
        long elements = 1;
        foreach (long d in shape)
        {
            elements *= d;
            if (elements > limit) return -1;
        }
        return elements;
    }
}
