using static TorchSharp.torch;

namespace StyleGan.Distributed;

/// <summary>
/// The processes (ranks) that train one run together, and the collective calls data parallelism needs: NVIDIA's
/// training loop uses torch.distributed's broadcast and all_reduce, its metrics all_gather. The calls are those
/// MPI and NCCL both have (MPI_Allreduce/ncclAllReduce, MPI_Bcast/ncclBroadcast, MPI_Allgather/ncclAllGather,
/// MPI_Abort/ncclCommAbort), so either engine fits behind it. Every rank makes the same calls in the same order.
/// </summary>
public interface ICollective
{
    /// <summary>This process's index, 0 to <see cref="Size"/> - 1; rank 0 writes the run's files.</summary>
    int Rank { get; }

    /// <summary>How many processes take part.</summary>
    int Size { get; }

    /// <summary>Replaces a contiguous tensor (float32, float64 or int64) by its sum over the ranks, in place.</summary>
    void AllReduceSum(Tensor tensor);

    /// <summary>Replaces a contiguous tensor by rank <paramref name="root"/>'s, in place.</summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Every rank's tensor (all of one shape) stacked along a new first dimension, in rank order.</summary>
    Tensor AllGather(Tensor tensor);

    /// <summary>Ends every rank's process with <paramref name="exitCode"/> (a rank that cannot go on must not leave the others waiting).</summary>
    void Abort(int exitCode);
}
