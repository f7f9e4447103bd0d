using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Distributed;

/// <summary>
/// The ranks that Open MPI's mpirun started (MPI_COMM_WORLD), through MPI's C API. Calls come from one thread at a
/// time (MPI_THREAD_SERIALIZED); errors are returned, not fatal, so a failed call names its rank and the call.
/// Disposing it finalizes MPI, which every rank must do before it exits.
/// </summary>
public sealed class MpiCollective : ICollective, IDisposable
{
    // Buffers go in pieces of this many elements (MPI counts are ints anyway). Open MPI 4.1's all-reduce between two
    // processes of one host moved pieces of 4 to 16 MB at about 4.5 GB/s, and one 256 MB buffer at 0.24 GB/s (the
    // bench's --data-parallel, 2026-12-07); 32 MB pieces were as slow as whole buffers.
    const int ChunkElements = 1 << 21;

    bool finalized;

    public int Rank { get; }

    public int Size { get; }

    MpiCollective(int rank, int size)
    {
        Rank = rank;
        Size = size;
    }

    /// <summary>Initializes MPI (once per process) and joins MPI_COMM_WORLD.</summary>
    public static MpiCollective Start()
    {
        OpenMpi.Load();
        Check(OpenMpi.MPI_Initialized(out int initialized), "MPI_Initialized", rank: null);
        if (initialized != 0) throw new InvalidOperationException("MPI is already initialized in this process: start one MpiCollective per process.");
        Check(OpenMpi.MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, OpenMpi.ThreadSerialized, out int provided), "MPI_Init_thread", rank: null);
        if (provided < OpenMpi.ThreadSerialized)
            throw new NotSupportedException($"This Open MPI gives thread level {provided}; training calls MPI from more than one thread in turn, which needs MPI_THREAD_SERIALIZED ({OpenMpi.ThreadSerialized}).");
        Check(OpenMpi.MPI_Comm_set_errhandler(OpenMpi.CommWorld, OpenMpi.ErrorsReturn), "MPI_Comm_set_errhandler", rank: null);
        Check(OpenMpi.MPI_Comm_rank(OpenMpi.CommWorld, out int rank), "MPI_Comm_rank", rank: null);
        Check(OpenMpi.MPI_Comm_size(OpenMpi.CommWorld, out int size), "MPI_Comm_size", rank);
        return new MpiCollective(rank, size);
    }

    public void AllReduceSum(Tensor tensor)
    {
        var (type, elementSize) = TypeOf(tensor, nameof(AllReduceSum));
        ForChunks(tensor, elementSize, (pointer, count) =>
            Check(OpenMpi.MPI_Allreduce(OpenMpi.InPlace, pointer, count, type, OpenMpi.Sum, OpenMpi.CommWorld), "MPI_Allreduce", Rank));
    }

    public void Broadcast(Tensor tensor, int root = 0)
    {
        var (type, elementSize) = TypeOf(tensor, nameof(Broadcast), anyType: true);
        ForChunks(tensor, elementSize, (pointer, count) =>
            Check(OpenMpi.MPI_Bcast(pointer, count, type, root, OpenMpi.CommWorld), "MPI_Bcast", Rank));
    }

    public Tensor AllGather(Tensor tensor)
    {
        var (type, elementSize) = TypeOf(tensor, nameof(AllGather), anyType: true);
        long count = tensor.numel() * tensor.ElementSize / elementSize;
        if (count * Size > int.MaxValue) throw new ArgumentException($"AllGather takes at most {int.MaxValue} elements in all (MPI counts are ints); {count} x {Size} ranks is more.", nameof(tensor));
        var gathered = empty([Size, .. tensor.shape], dtype: tensor.dtype, device: tensor.device);
        Check(OpenMpi.MPI_Allgather(Address(tensor), (int)count, type, Address(gathered), (int)count, type, OpenMpi.CommWorld), "MPI_Allgather", Rank);
        return gathered;
    }

    public void Abort(int exitCode)
    {
        OpenMpi.MPI_Abort(OpenMpi.CommWorld, exitCode);
        Environment.Exit(exitCode); // MPI_Abort does not return; this is for an MPI that lets it
    }

    public void Dispose()
    {
        if (finalized) return;
        finalized = true;
        Check(OpenMpi.MPI_Finalize(), "MPI_Finalize", Rank);
    }

    // Elements of one type, as MPI sees them; a broadcast or gather moves any type's bytes.
    static (IntPtr Type, int ElementSize) TypeOf(Tensor tensor, string call, bool anyType = false)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException($"{call} takes a contiguous CPU tensor (MPI reads host memory); this one is {(tensor.is_contiguous() ? "" : "strided, ")}on {tensor.device}.", nameof(tensor));
        return tensor.dtype switch
        {
            ScalarType.Float32 => (OpenMpi.Float, 4),
            ScalarType.Float64 => (OpenMpi.Double, 8),
            ScalarType.Int64 => (OpenMpi.Int64, 8),
            _ when anyType => (OpenMpi.Byte, 1),
            _ => throw new ArgumentException($"{call} sums float32, float64 or int64 tensors, not {tensor.dtype}.", nameof(tensor)),
        };
    }

    static void ForChunks(Tensor tensor, int elementSize, Action<IntPtr, int> call)
    {
        IntPtr start = Address(tensor);
        long total = tensor.numel() * tensor.ElementSize / elementSize;
        for (long done = 0; done < total; done += ChunkElements)
            call(start + (nint)(done * elementSize), (int)Math.Min(ChunkElements, total - done));
    }

    // The tensor's memory: a CPU tensor's span is its own storage, not a copy, so the address outlives the fixed block.
    static unsafe IntPtr Address(Tensor tensor)
    {
        fixed (byte* start = tensor.bytes) return (IntPtr)start;
    }

    static void Check(int code, string call, int? rank)
    {
        if (code != OpenMpi.Success)
            throw new CollectiveException($"{(rank is int r ? $"rank {r}: " : "")}{call} failed: {OpenMpi.ErrorText(code)}");
    }
}
