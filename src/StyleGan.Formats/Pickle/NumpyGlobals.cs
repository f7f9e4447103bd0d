using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// NumPy values in pickles: scalars (np.float64(0.5): <c>numpy.core.multiarray.scalar(dtype, bytes)</c>) become
/// Python numbers, arrays (StyleGAN3 keeps sizes as arrays: <c>_reconstruct(ndarray, (0,), b'b')</c> and a BUILD
/// with shape, dtype and data) become <see cref="NumpyArray"/>s. A dtype is <c>numpy.dtype('f8', False, True)</c>
/// and a BUILD that sets its byte order.
/// </summary>
internal static class NumpyGlobals
{
    public static void Register(Dictionary<string, object> names)
    {
        names["numpy.dtype"] = new PickleGlobal("numpy", "dtype", NewDType);
        names["numpy.ndarray"] = new PickleGlobal("numpy", "ndarray");
        // NumPy 2 moved numpy.core to numpy._core; pickles name whichever wrote them.
        foreach (string module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            names[$"{module}.scalar"] = new PickleGlobal(module, "scalar", Scalar);
            names[$"{module}._reconstruct"] = new PickleGlobal(module, "_reconstruct", Reconstruct);
        }
    }

    /// <summary>A NumPy dtype: its kind ("f", "i", "u", "b", ...), item size and byte order.</summary>
    internal sealed class DType(string code)
    {
        public string Code { get; } = code;

        public string Kind => Code[..1];

        public int Size => int.TryParse(Code.AsSpan(1), out int size) ? size : 0;

        public bool BigEndian { get; private set; }

        /// <summary>BUILD's state: (version, byte order, subarray, names, fields, item size, alignment, flags).</summary>
        public void SetState(object? state, LoadContext context)
        {
            if (state is not PyTuple { Count: >= 2 } tuple || tuple[1] is not string order)
                throw context.Corrupt($"a numpy dtype gets the state {PyValue.Describe(state)}, not (version, byte order, ...)");
            BigEndian = order == ">";
        }

        /// <summary>The torch dtype of the same numbers, or null for those torch lacks (unsigned beyond 8 bits, strings, objects).</summary>
        public ScalarType? TorchType => (Kind, Size) switch
        {
            ("f", 2) => ScalarType.Float16,
            ("f", 4) => ScalarType.Float32,
            ("f", 8) => ScalarType.Float64,
            ("i", 1) => ScalarType.Int8,
            ("i", 2) => ScalarType.Int16,
            ("i", 4) => ScalarType.Int32,
            ("i", 8) => ScalarType.Int64,
            ("u", 1) => ScalarType.Byte,
            ("b", 1) => ScalarType.Bool,
            _ => null,
        };

        /// <summary>Little-endian bytes of <paramref name="bytes"/>, a copy swapped element by element when big-endian.</summary>
        public byte[] LittleEndian(byte[] bytes)
        {
            if (!BigEndian || Size <= 1) return bytes;
            var swapped = (byte[])bytes.Clone();
            for (int i = 0; i + Size <= swapped.Length; i += Size) Array.Reverse(swapped, i, Size);
            return swapped;
        }
    }

    static DType NewDType(PyTuple args, LoadContext context)
    {
        context.CheckArity(args, "numpy.dtype", 1, 3);
        string code = context.Arg<string>(args, 0, "numpy.dtype");
        return code.Length > 0 ? new DType(code) : throw context.Corrupt("numpy.dtype gets an empty type code");
    }

    /// <summary>Python 2 pickles hold bytes as a str of Latin-1 characters.</summary>
    public static byte[] Bytes(PyTuple args, int index, string function, LoadContext context) =>
        args[index] is string text ? Encoding.Latin1.GetBytes(text) : context.Arg<byte[]>(args, index, function);

    static object Scalar(PyTuple args, LoadContext context)
    {
        const string function = "numpy.core.multiarray.scalar";
        context.CheckArity(args, function, 2);
        var dtype = context.Arg<DType>(args, 0, function);
        byte[] raw = Bytes(args, 1, function, context);
        if (raw.Length != dtype.Size || dtype.Size is not (1 or 2 or 4 or 8) || dtype.Kind is not ("f" or "i" or "u" or "b"))
            throw context.Corrupt($"a numpy scalar of dtype '{dtype.Code}' with {raw.Length} bytes, which this reader does not read (it reads bools, ints and floats)");
        byte[] bytes = dtype.LittleEndian(raw);
        return (dtype.Kind, dtype.Size) switch
        {
            ("b", _) => bytes[0] != 0,
            ("f", 2) => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            ("f", 4) => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes),
            ("f", _) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            ("i", _) => PyValue.Integer(new BigInteger(bytes, isUnsigned: false)),
            _ => PyValue.Integer(new BigInteger(bytes, isUnsigned: true)),
        };
    }

    /// <summary>_reconstruct(numpy.ndarray, (0,), b'b'): an empty array that the following BUILD fills.</summary>
    static NumpyArray Reconstruct(PyTuple args, LoadContext context)
    {
        const string function = "numpy.core.multiarray._reconstruct";
        context.CheckArity(args, function, 3);
        var type = context.Arg<PickleGlobal>(args, 0, function);
        if (type.FullName != "numpy.ndarray")
            throw context.Corrupt($"{function} makes a {type.FullName}, which is not a plain numpy array");
        return new NumpyArray();
    }
}
