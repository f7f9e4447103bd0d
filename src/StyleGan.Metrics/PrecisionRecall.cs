using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
/// Generative Models") as NVIDIA's stylegan2-ada-pytorch computes them (<c>metrics/precision_recall.py</c>,
/// <c>compute_pr</c>; pr50k3 is k = 3 over 50,000 generated images and the whole dataset). For precision the real
/// features span a manifold: each real feature is the centre of a ball whose radius is the distance to its k-th
/// nearest real neighbour (NVIDIA's <c>kthvalue(k + 1)</c> over the distances to all real features, its own zero
/// included), and precision is the fraction of generated features inside at least one ball. Recall swaps the roles:
/// the fraction of real features inside the balls of the generated ones.
/// <para>
/// As NVIDIA's, distances come from <c>torch.cdist</c> by matrix products (the mode cdist chooses itself for
/// NVIDIA's batches of 10,000), a block of rows against a block of columns at a time, so memory stays at one
/// block's distances however many features there are; the radii keep the k + 1 smallest distances seen so far,
/// block after block, which is the k-th value over the whole row. NVIDIA casts the features to float16 on its GPUs;
/// here the distances are computed in the features' own dtype, float32 as the networks give them (or float64): a
/// half-precision cdist on the CPU is slow and rounds the distances of 4096 features to 3 digits, so that which
/// feature falls inside which ball would depend on the rounding. The fractions are counts over sizes in double
/// precision (NVIDIA's mean rounds them to float32).
/// </para>
/// </summary>
public static class PrecisionRecall
{
    /// <summary>k of pr50k3.</summary>
    public const int DefaultNeighbourhood = 3;

    /// <summary>NVIDIA's row and column batch.</summary>
    public const int DefaultBatch = 10_000;

    /// <summary>Precision and recall of generated features against real ones.</summary>
    /// <param name="real">Real features [N, D], float32 or float64; at least <paramref name="neighbourhood"/> + 1 of them.</param>
    /// <param name="generated">Generated features [M, D] of the same dtype and device; at least <paramref name="neighbourhood"/> + 1.</param>
    /// <param name="neighbourhood">k: the radius of a ball is the distance to the k-th nearest neighbour.</param>
    /// <param name="rowBatch">Features compared at a time on the row side (NVIDIA's row_batch_size).</param>
    /// <param name="columnBatch">Features compared at a time on the column side (NVIDIA's col_batch_size).</param>
    /// <returns>Precision and recall, each in [0, 1].</returns>
    public static (double Precision, double Recall) Compute(Tensor real, Tensor generated, int neighbourhood = DefaultNeighbourhood,
        int rowBatch = DefaultBatch, int columnBatch = DefaultBatch)
    {
        if (neighbourhood < 1) throw new ArgumentOutOfRangeException(nameof(neighbourhood), neighbourhood, "The neighbourhood k must be at least 1.");
        if (rowBatch < 1) throw new ArgumentOutOfRangeException(nameof(rowBatch), rowBatch, "A batch holds at least one feature.");
        if (columnBatch < 1) throw new ArgumentOutOfRangeException(nameof(columnBatch), columnBatch, "A batch holds at least one feature.");
        CheckFeatures(real, nameof(real), neighbourhood);
        CheckFeatures(generated, nameof(generated), neighbourhood);
        if (real.shape[1] != generated.shape[1] || real.dtype != generated.dtype || real.device_type != generated.device_type || real.device_index != generated.device_index)
            throw new ArgumentException($"Real and generated features must be of one width, dtype and device; got [{string.Join(", ", real.shape)}] {real.dtype} on {real.device} " +
                $"and [{string.Join(", ", generated.shape)}] {generated.dtype} on {generated.device}.");
        using var _ = no_grad();
        return (Coverage(real, generated, neighbourhood, rowBatch, columnBatch), Coverage(generated, real, neighbourhood, rowBatch, columnBatch));
    }

    static void CheckFeatures(Tensor features, string name, int neighbourhood)
    {
        if (features.dim() != 2 || features.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Features are float32 or float64 [count, width]; got [{string.Join(", ", features.shape)}] {features.dtype}.", name);
        // With fewer, a feature has no k-th neighbour other than itself.
        if (features.shape[0] < neighbourhood + 1)
            throw new ArgumentException($"A neighbourhood of {neighbourhood} needs at least {neighbourhood + 1} features; got {features.shape[0]}.", name);
    }

    /// <summary>The fraction of <paramref name="probes"/> within the ball of at least one feature of <paramref name="manifold"/>.</summary>
    static double Coverage(Tensor manifold, Tensor probes, int neighbourhood, int rowBatch, int columnBatch)
    {
        using var radii = Radii(manifold, neighbourhood, rowBatch, columnBatch);
        long covered = 0;
        foreach (var (start, length) in Blocks(probes.shape[0], rowBatch))
        {
            using var scope = NewDisposeScope();
            var rows = probes.narrow(0, start, length);
            var inside = zeros(length, ScalarType.Bool, probes.device);
            foreach (var (column, width) in Blocks(manifold.shape[0], columnBatch))
            {
                using var block = NewDisposeScope();
                inside.logical_or_((Distances(rows, manifold.narrow(0, column, width)) <= radii.narrow(0, column, width)).any(1));
            }
            covered += inside.sum().item<long>();
        }
        return (double)covered / probes.shape[0];
    }

    /// <summary>Each feature's distance to its k-th nearest neighbour in the set: [N].</summary>
    static Tensor Radii(Tensor manifold, int neighbourhood, int rowBatch, int columnBatch)
    {
        var parts = new List<Tensor>();
        try
        {
            foreach (var (start, length) in Blocks(manifold.shape[0], rowBatch))
            {
                using var scope = NewDisposeScope();
                var rows = manifold.narrow(0, start, length);
                Tensor? nearest = null; // the k + 1 smallest distances of each row so far (its own zero among them)
                foreach (var (column, width) in Blocks(manifold.shape[0], columnBatch))
                {
                    var distances = Distances(rows, manifold.narrow(0, column, width));
                    var candidates = nearest is null ? distances : cat([nearest, distances], 1);
                    nearest = candidates.topk(Math.Min(neighbourhood + 1, (int)candidates.shape[1]), dim: 1, largest: false).values;
                }
                parts.Add(nearest!.max(1).values.MoveToOuterDisposeScope());
            }
            return cat(parts);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    // torch.cdist by matrix products always (NVIDIA's batches are large enough for cdist to choose it), so that a
    // distance does not change its rounding with the size of the block it is computed in.
    static Tensor Distances(Tensor rows, Tensor columns) => cdist(rows, columns, compute_mode: compute_mode.use_mm_for_euclid_dist);

    static IEnumerable<(long Start, long Length)> Blocks(long count, int batch)
    {
        for (long start = 0; start < count; start += batch) yield return (start, Math.Min(batch, count - start));
    }
}
