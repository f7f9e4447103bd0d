using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Distributed;

/// <summary>
/// One rank's rows of a minibatch that several ranks compute together: rows rank, rank + size, rank + 2 size, ...
/// of the whole minibatch, interleaved as NVIDIA's InfiniteSampler deals a shuffled order to its replicas. Every
/// random draw that has a row per image is drawn for the whole minibatch from a stream that every rank holds alike,
/// and each rank keeps its rows; so N ranks compute what one process computes on the whole minibatch, and the
/// interleaving keeps the first rows of each share (the path length batch) and minibatch-std groups that divide a
/// share as one process has them.
/// </summary>
public sealed class BatchShare
{
    /// <summary>One process computing the whole minibatch.</summary>
    public static readonly BatchShare Whole = new(SingleProcess.Instance);

    /// <summary>The ranks that share the minibatch.</summary>
    public ICollective Ranks { get; }

    /// <param name="ranks">The ranks that share the minibatch (this process is Ranks.Rank).</param>
    public BatchShare(ICollective ranks) => Ranks = ranks;

    /// <summary>This rank's rows of a whole-minibatch tensor (rows along dimension 0).</summary>
    public Tensor Take(Tensor whole) => Ranks.Size == 1 ? whole : whole[TensorIndex.Slice(Ranks.Rank, null, Ranks.Size)];

    /// <summary>How many of a whole minibatch's <paramref name="wholeRows"/> rows are this rank's.</summary>
    public long Rows(long wholeRows) => (wholeRows - Ranks.Rank + Ranks.Size - 1) / Ranks.Size;

    /// <summary>This rank's elements of a whole-minibatch array.</summary>
    public T[] Take<T>(T[] whole) => Ranks.Size == 1 ? whole : whole.Where((_, i) => i % Ranks.Size == Ranks.Rank).ToArray();

    /// <summary>Standard normal numbers for this rank's rows: <paramref name="shape"/>[0] rows of a whole-minibatch draw.</summary>
    public Tensor Normal(long[] shape, torch.Generator? generator, ScalarType? dtype = null, Device? device = null) =>
        Take(randn(WholeShape(shape), dtype: dtype, device: device, generator: generator));

    /// <summary>Uniform numbers in [0, 1) for this rank's rows, as <see cref="Normal"/>.</summary>
    public Tensor Uniform(long[] shape, torch.Generator? generator, ScalarType? dtype = null, Device? device = null) =>
        Take(rand(WholeShape(shape), dtype: dtype, device: device, generator: generator));

    /// <summary>
    /// The whole minibatch [<paramref name="wholeRows"/>, ...] in order, from every rank's rows of it (<see cref="Take(Tensor)"/>'s):
    /// each rank's rows, padded to the most any rank has, are gathered to every rank.
    /// </summary>
    public Tensor Gather(Tensor rows, long wholeRows)
    {
        if (Ranks.Size == 1) return rows;
        int size = Ranks.Size;
        long most = (wholeRows + size - 1) / size;
        long[] rest = rows.shape.Skip(1).ToArray();
        using var padded = rows.shape[0] == most ? rows.contiguous().clone() : cat([rows, zeros([most - rows.shape[0], .. rest], rows.dtype, rows.device)]);
        using var gathered = Ranks.AllGather(padded);
        // Whole row i is rank i % size's row i / size; a padding row would be past the end.
        return gathered.transpose(0, 1).reshape([most * size, .. rest]).narrow(0, 0, wholeRows).clone();
    }

    /// <summary>The mean over the ranks of a per-rank mean (over equal shares, the whole minibatch's mean), without gradient.</summary>
    public Tensor Mean(Tensor rankMean)
    {
        if (Ranks.Size == 1) return rankMean.detach();
        var sum = rankMean.detach().to(float64).contiguous().clone();
        Ranks.AllReduceSum(sum);
        return (sum / Ranks.Size).to(rankMean.dtype);
    }

    long[] WholeShape(long[] shape) => [shape[0] * Ranks.Size, .. shape.Skip(1)];
}
