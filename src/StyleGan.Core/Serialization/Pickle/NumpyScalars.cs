using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace StyleGan.Serialization.Pickle;

/// <summary>
/// NumPy scalars (np.float64(0.5), np.int64(3)) as Python numbers: <c>numpy.core.multiarray.scalar(dtype, bytes)</c>
/// where the dtype is <c>numpy.dtype('f8', False, True)</c> and a BUILD sets its byte order.
/// </summary>
internal static class NumpyScalars
{
    public static void Register(Dictionary<string, object> names)
    {
        names["numpy.dtype"] = new PickleGlobal("numpy", "dtype", NewDType);
        // NumPy 2 moved numpy.core to numpy._core; pickles name whichever wrote them.
        foreach (string module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
            names[$"{module}.scalar"] = new PickleGlobal(module, "scalar", Scalar);
    }

    /// <summary>A NumPy dtype: its type code ("f8", "i4", "b1", ...) and byte order.</summary>
    internal sealed class DType(string code)
    {
        public string Code { get; } = code;

        public bool BigEndian { get; private set; }

        /// <summary>BUILD's state: (version, byte order, subarray, names, fields, item size, alignment, flags).</summary>
        public void SetState(object? state, LoadContext context)
        {
            if (state is not PyTuple { Count: >= 2 } tuple || tuple[1] is not string order)
                throw context.Corrupt($"a numpy dtype gets the state {PyValue.Describe(state)}, not (version, byte order, ...)");
            BigEndian = order == ">";
        }
    }

    static DType NewDType(PyTuple args, LoadContext context)
    {
        context.CheckArity(args, "numpy.dtype", 1, 3);
        string code = context.Arg<string>(args, 0, "numpy.dtype");
        return code.Length > 0 ? new DType(code) : throw context.Corrupt("numpy.dtype gets an empty type code");
    }

    static object Scalar(PyTuple args, LoadContext context)
    {
        const string function = "numpy.core.multiarray.scalar";
        context.CheckArity(args, function, 2);
        var dtype = context.Arg<DType>(args, 0, function);
        // Python 2 pickles hold the bytes as a str of Latin-1 characters.
        byte[] bytes = args[1] is string text ? Encoding.Latin1.GetBytes(text) : context.Arg<byte[]>(args, 1, function);
        var (kind, size) = (dtype.Code[..1], int.TryParse(dtype.Code[1..], out int n) ? n : 0);
        if (bytes.Length != size || size is not (1 or 2 or 4 or 8) || kind is not ("f" or "i" or "u" or "b"))
            throw context.Corrupt($"a numpy scalar of dtype '{dtype.Code}' with {bytes.Length} bytes, which this reader does not read (it reads bools, ints and floats)");
        if (dtype.BigEndian) bytes = bytes.Reverse().ToArray();
        return (kind, size) switch
        {
            ("b", 1) => bytes[0] != 0,
            ("f", 2) => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            ("f", 4) => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes),
            ("f", 8) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            ("f", _) => throw context.Corrupt($"a numpy float of {size} byte"),
            ("i", _) => PyValue.Integer(new BigInteger(bytes, isUnsigned: false)),
            ("u", _) => PyValue.Integer(new BigInteger(bytes, isUnsigned: true)),
            _ => throw context.Corrupt($"a numpy scalar of dtype '{dtype.Code}', which this reader does not read"),
        };
    }
}
