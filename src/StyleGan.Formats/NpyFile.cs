using System.Buffers.Binary;
using System.Text;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Formats;

/// <summary>
/// NumPy's .npy format (numpy.lib.format): a magic string, a version, a Python-literal header (see
/// <see cref="NpyHeader"/>) and the raw data. Float arrays are read and written: little-endian float16, float32 and
/// float64 ('&lt;f2', '&lt;f4', '&lt;f8'), in C order, each read as a tensor of that dtype (a caller wanting float32
/// converts). Object arrays, which only unpickling could read, are refused, as are Fortran order, big-endian data,
/// other dtypes, and a header whose shape does not match the data that follows it.
/// </summary>
public static class NpyFile
{
    /// <summary>The largest array read: 1 GiB of data, far beyond a latent or statistics file; a header asking more is refused before anything is allocated.</summary>
    public const long MaxBytes = 1L << 30;

    // NumPy's own default limit of a header it reads (max_header_size).
    const int MaxHeaderBytes = 10_000;

    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["<f2"] = ScalarType.Float16, ["<f4"] = ScalarType.Float32, ["<f8"] = ScalarType.Float64,
    };

    /// <summary>Reads an .npy file as a new CPU tensor of its dtype and shape.</summary>
    /// <param name="path">The file.</param>
    public static Tensor Load(string path)
    {
        using var stream = InputFile.OpenRead(path, "NumPy file");
        return Read(stream, stream.Length, path);
    }

    /// <summary>Writes a float16, float32 or float64 tensor (any device, any layout) as an .npy file that np.load reads, atomically.</summary>
    /// <param name="path">The file to write (or replace).</param>
    /// <param name="array">The tensor.</param>
    public static void Save(string path, Tensor array) => AtomicFile.Write(path, stream => Write(stream, array));

    /// <summary>Reads one array from a stream that holds exactly <paramref name="length"/> bytes of an .npy file.</summary>
    /// <param name="stream">Positioned at the file's first byte; need not be seekable (an .npz entry).</param>
    /// <param name="length">The file's length, which the header's shape must account for exactly.</param>
    /// <param name="source">The file (and entry), for messages.</param>
    internal static Tensor Read(Stream stream, long length, string source)
    {
        var prefix = new byte[Magic.Length + 2];
        if (Fill(stream, prefix, source) < prefix.Length || !prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Bad(source, "it does not start with NumPy's magic \\x93NUMPY (not an .npy file, or empty)");
        int major = prefix[^2], minor = prefix[^1];
        // Version 1.0 counts the header in 2 bytes, 2.0 in 4; 3.0 is 2.0 with a UTF-8 header (for field names).
        int lengthBytes = (major, minor) switch
        {
            (1, 0) => 2,
            (2, 0) or (3, 0) => 4,
            _ => throw Bad(source, $"it is .npy format version {major}.{minor}; this tool reads 1.0, 2.0 and 3.0"),
        };
        var lengthField = new byte[lengthBytes];
        if (Fill(stream, lengthField, source) < lengthBytes) throw Bad(source, "it ends inside its header (truncated)");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        long dataStart = prefix.Length + lengthBytes + headerLength;
        if (headerLength > MaxHeaderBytes) throw Bad(source, $"its header claims {headerLength} bytes, more than the {MaxHeaderBytes} NumPy itself reads");
        if (dataStart > length) throw Bad(source, $"its header claims {headerLength} bytes but the file ends before them (truncated)");
        var headerBytes = new byte[headerLength];
        if (Fill(stream, headerBytes, source) < headerLength) throw Bad(source, "it ends inside its header (truncated)");
        var header = NpyHeader.Parse((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes), source);

        var dtype = DType(header.Descr, source);
        if (header.FortranOrder)
            throw Bad(source, $"its array [{string.Join(", ", header.Shape)}] is stored in Fortran (column-major) order; save it with np.save(path, np.ascontiguousarray(a))");
        long size = Safetensors.ElementSize(dtype);
        foreach (long axis in header.Shape)
        {
            // Checked before multiplying, so that no product of huge axes overflows.
            if (axis > 0 && size > MaxBytes / axis)
                throw Bad(source, $"its shape [{string.Join(", ", header.Shape)}] of {header.Descr} is over the {MaxBytes:N0} bytes this tool reads");
            size *= axis;
        }
        if (length - dataStart != size)
            throw Bad(source, $"its shape [{string.Join(", ", header.Shape)}] of {header.Descr} needs {size} data bytes but the file has {length - dataStart}" +
                (length - dataStart < size ? " (truncated)" : " (damaged, or not written by np.save)"));

        var array = empty(header.Shape, dtype);
        try
        {
            if (size > 0 && Fill(stream, array.bytes, source) < size) throw Bad(source, "it ends inside its data (truncated)");
            if (Fill(stream, stackalloc byte[1], source) > 0) throw Bad(source, "more data follows its array than its header says (damaged)");
        }
        catch
        {
            array.Dispose();
            throw;
        }
        return array;
    }

    /// <summary>Writes a tensor as an .npy file, byte for byte as np.save writes the same array.</summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="array">A float16, float32 or float64 tensor.</param>
    internal static void Write(Stream stream, Tensor array)
    {
        var descr = DTypes.FirstOrDefault(kv => kv.Value == array.dtype).Key
            ?? throw new ArgumentException($"NumPy files are written from float16, float32 or float64 tensors, not {array.dtype}.", nameof(array));
        using var scope = NewDisposeScope();
        var data = array.detach().cpu().contiguous();
        string text = new NpyHeader(descr, FortranOrder: false, data.shape).Format();
        // The header ends in a newline and is padded with spaces so that the data starts on a multiple of 64 bytes.
        int unpadded = Magic.Length + 2 + 2 + text.Length + 1;
        int padding = 64 - unpadded % 64;
        byte[] header = Encoding.ASCII.GetBytes(text + new string(' ', padding) + "\n");
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> headerLength = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(headerLength, checked((ushort)header.Length));
        stream.Write(headerLength);
        stream.Write(header);
        if (data.numel() > 0) stream.Write(data.bytes);
    }

    static ScalarType DType(string descr, string source)
    {
        if (DTypes.TryGetValue(descr, out var dtype)) return dtype;
        if (descr.TrimStart('|', '<', '>', '=') == "O")
            throw Bad(source, "it holds Python objects (dtype object), which only unpickling could read, and this tool never unpickles; save a float array instead");
        if (descr.StartsWith('>') && DTypes.ContainsKey("<" + descr[1..]))
            throw Bad(source, $"its data is big-endian ('{descr}'); save it little-endian: np.save(path, a.astype('<{descr[1..]}'))");
        throw Bad(source, $"its dtype is '{descr}'; this tool reads float16, float32 and float64 ('<f2', '<f4', '<f8'): save it with np.save(path, a.astype(np.float32))");
    }

    // Reads until the buffer is full or the stream ends; how many bytes came. An .npz entry's stream reports damaged
    // data (deflate that does not decode, a CRC-32 that does not match) as InvalidDataException.
    static int Fill(Stream stream, Span<byte> buffer, string source)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Bad(source, $"its data is damaged ({e.Message})");
        }
    }

    static InvalidDataException Bad(string source, string why) => new($"{source} is not a NumPy array file this tool reads: {why}.");
}
