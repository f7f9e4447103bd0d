using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// What one load shares across its pickles, including those nested in storages (NVIDIA's .pkl): the file's name
/// for messages, the memory the tensors may take, and the tensors made so far, disposed if the load fails.
/// </summary>
internal sealed class LoadContext
{
    /// <summary>
    /// The tensors of one file may take at most this many times the file's size. Views of one storage (a tensor saved
    /// with its transpose) are copied once each, so a real file can need a little more memory than its size; a
    /// crafted one could ask for terabytes with zero strides.
    /// </summary>
    const long MaxTensorBytesPerFileByte = 4;

    /// <summary>Storages pickled inside storages: NVIDIA's files nest one level, nothing real nests more.</summary>
    const int MaxNesting = 4;

    readonly LoadContext? outer;
    readonly List<Tensor> created = [];
    long tensorBytesLeft;

    public LoadContext(string source, long fileLength)
    {
        Source = source;
        FileLength = fileLength;
        tensorBytesLeft = MaxTensorBytesPerFileByte * fileLength;
    }

    LoadContext(LoadContext outer)
    {
        this.outer = outer;
        Source = $"{outer.Root.Source} (a storage pickled inside it)";
        FileLength = outer.FileLength;
        Nesting = outer.Nesting + 1;
    }

    /// <summary>The file's name (path or test label), first word of every message.</summary>
    public string Source { get; }

    /// <summary>Size of the whole file: no declared size may exceed it.</summary>
    public long FileLength { get; }

    public int Nesting { get; }

    LoadContext Root => outer?.Root ?? this;

    /// <summary>A context for a file pickled inside this one, sharing its memory allowance.</summary>
    public LoadContext Nested() => Nesting < MaxNesting ? new LoadContext(this)
        : throw Refuse($"storages are pickled inside storages more than {MaxNesting} levels deep");

    /// <summary>Counts <paramref name="bytes"/> of tensor memory against the allowance, before it is allocated.</summary>
    public void ReserveTensorBytes(long bytes)
    {
        var root = Root;
        if (bytes > root.tensorBytesLeft)
            throw Refuse($"its tensors would take more than {MaxTensorBytesPerFileByte} times the file's {FileLength} bytes in memory (zero strides or overlapping views in a crafted file)");
        root.tensorBytesLeft -= bytes;
    }

    /// <summary>Remembers a tensor so that a failed load disposes it.</summary>
    public T Track<T>(T tensor) where T : Tensor
    {
        Root.created.Add(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor made by this load (it failed, or its values were copied).</summary>
    public void DisposeTensors()
    {
        foreach (var tensor in Root.created) tensor.Dispose();
        Root.created.Clear();
    }

    public InvalidDataException Refuse(string why) => new($"{Source}: refused to load: {why}.");

    public InvalidDataException Corrupt(string why) => new($"{Source}: not a valid pickle or PyTorch file: {why}.");

    /// <summary>Checks that <paramref name="function"/> got between <paramref name="min"/> and <paramref name="max"/> arguments.</summary>
    public void CheckArity(PyTuple args, string function, int min, int? max = null)
    {
        int most = max ?? min;
        if (args.Count < min || args.Count > most)
            throw Corrupt($"{function} takes {(min == most ? $"{min}" : $"{min} to {most}")} arguments, the pickle passes {args.Count}");
    }

    /// <summary>Argument <paramref name="index"/> of <paramref name="function"/> as a <typeparamref name="T"/>.</summary>
    public T Arg<T>(PyTuple args, int index, string function) =>
        PyValue.TryConvert<T>(args[index], out var value) ? value
            : throw Corrupt($"argument {index + 1} of {function} is {PyValue.Describe(args[index])}, not {PyValue.Name(typeof(T))}");
}
