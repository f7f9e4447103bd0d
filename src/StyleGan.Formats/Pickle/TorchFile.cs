namespace StyleGan.Formats.Pickle;

/// <summary>
/// Reads PyTorch checkpoints and Python pickles without running any code from them: torch.save's zip format, its
/// legacy format, and plain pickles such as NVIDIA's network-snapshot-*.pkl. Values come back as C# objects (see
/// <see cref="PyDict"/>, <see cref="PyTuple"/>, <see cref="PyObject"/>, <see cref="PersistentObject"/>); tensors as
/// contiguous CPU tensors of their saved dtype, parameters as TorchSharp Parameters. A name outside the allow-list
/// (anything but data types), a size larger than the file or a truncated file ends the load with an
/// InvalidDataException naming the file.
/// </summary>
public static class TorchFile
{
    public static object? Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the file ({e.Message}).", e);
        }
        return Load(bytes, path);
    }

    /// <summary>
    /// Loads a file, hands its value to <paramref name="use"/>, which must copy what it keeps, then frees everything
    /// the load made: its tensors at once, and the bytes read for its storages with a collection, so that the work that
    /// follows does not run on top of them.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="use">Builds the result from the loaded value.</param>
    public static T Load<T>(string path, Func<object?, T> use)
    {
        return Load(Files.InputFile.OpenData(path, "PyTorch file"), path, use);
    }

    /// <summary>As <see cref="Load{T}(string, Func{object?, T})"/>, from a file already open (read from its start; disposed here).</summary>
    public static T Load<T>(FileStream stream, string path, Func<object?, T> use)
    {
        var context = new LoadContext(path, stream.Length);
        try
        {
            using (stream) return use(Parse(stream, context));
        }
        finally
        {
            context.DisposeTensors();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); // and give the memory back
        }
    }

    // A plain pickle (NVIDIA's network-snapshot-*.pkl) is read through a window, never whole; the zip and legacy
    // formats, which address their data by offset, are read into memory.
    static object? Parse(FileStream stream, LoadContext context)
    {
        var head = new byte[262];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (length == 0) throw context.Corrupt("the file is empty");
        if (head[0] != 0x80 || head.AsSpan(0, length).StartsWith("PK\x03\x04"u8)) return Parse(ReadAll(stream), context);
        var input = PickleInput.Of(stream);
        var first = PickleMachine.Run(input, context, null);
        if (first is not System.Numerics.BigInteger magic || magic != TorchLegacyFormat.MagicNumber) return first;
        long position = input.Position;
        stream.Position = 0;
        return TorchLegacyFormat.Load(ReadAll(stream), (int)position, context);
    }

    static byte[] ReadAll(FileStream stream)
    {
        var bytes = new byte[stream.Length];
        stream.Position = 0;
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Reads a whole file's bytes; <paramref name="source"/> names it in error messages.</summary>
    public static object? Load(byte[] bytes, string source)
    {
        var context = new LoadContext(source, bytes.Length);
        try { return Parse(bytes, context); }
        catch
        {
            context.DisposeTensors();
            throw;
        }
    }

    /// <summary>torch.storage._load_from_bytes: a torch.save file held in a bytes object of the outer file.</summary>
    internal static object? LoadNested(byte[] bytes, LoadContext outer) => Parse(bytes, outer.Nested());

    static object? Parse(byte[] bytes, LoadContext context)
    {
        if (bytes.Length == 0) throw context.Corrupt("the file is empty");
        if (TorchZipFormat.Matches(bytes)) return TorchZipFormat.Load(bytes, context);
        if (bytes.Length > 262 && bytes.AsSpan(257, 5).SequenceEqual("ustar"u8))
            throw context.Corrupt("a tar archive: PyTorch's format before version 0.1.10, which this reader does not support");
        int position = 0;
        var first = PickleMachine.Run(bytes, ref position, context, null);
        return first is System.Numerics.BigInteger magic && magic == TorchLegacyFormat.MagicNumber
            ? TorchLegacyFormat.Load(bytes, position, context)
            : first;
    }
}
