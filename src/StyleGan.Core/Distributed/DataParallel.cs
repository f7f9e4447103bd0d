using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Distributed;

/// <summary>
/// What keeps the ranks' copies of a run equal, as NVIDIA's training loop does it: parameters and buffers broadcast
/// from rank 0, and gradients averaged with one all-reduce of all of a phase's gradients flattened.
/// </summary>
public static partial class DataParallel
{
    /// <summary>Replaces every parameter and buffer of <paramref name="modules"/> by rank 0's.</summary>
    public static void Broadcast(ICollective ranks, params nn.Module[] modules)
    {
        if (ranks.Size == 1) return;
        using var _ = no_grad();
        foreach (var module in modules)
            foreach (var tensor in module.parameters().Cast<Tensor>().Concat(module.buffers()))
                BroadcastInPlace(ranks, tensor);
    }

    /// <summary>
    /// Averages the gradients of <paramref name="parameters"/> over the ranks: the ones that have a gradient are
    /// flattened into one tensor, summed by one all-reduce and divided by the ranks (training_loop.py's
    /// all_reduce(flat); flat /= num_gpus). Every rank must have gradients for the same parameters.
    /// </summary>
    public static void AverageGradients(ICollective ranks, IEnumerable<Parameter> parameters)
    {
        if (ranks.Size == 1) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var withGradient = parameters.Where(parameter => parameter.grad is not null && parameter.numel() > 0).ToList();
        if (withGradient.Count == 0) return;
        var flat = cat(withGradient.Select(parameter => parameter.grad!.flatten()).ToArray());
        ranks.AllReduceSum(flat);
        flat.div_(ranks.Size);
        long offset = 0;
        foreach (var parameter in withGradient)
        {
            long count = parameter.numel();
            parameter.grad!.copy_(flat.narrow(0, offset, count).view_as(parameter.grad));
            offset += count;
        }
    }

    /// <summary>
    /// Averages the moving averages that networks track of their batches (w_avg, StyleGAN3's magnitude_ema) over the
    /// ranks, each of which advanced them on its share. They advance linearly in the batch statistics, so the average
    /// is what one process would hold. NVIDIA's loop leaves them per rank (its consistency check skips them by this
    /// pattern of names) and saves rank 0's.
    /// </summary>
    public static void AverageTrackedBuffers(ICollective ranks, nn.Module module)
    {
        if (ranks.Size == 1) return;
        using var _ = no_grad();
        foreach (var (name, buffer) in module.named_buffers())
        {
            if (!TrackedBuffer().IsMatch(name) || !buffer.is_floating_point()) continue;
            var sum = buffer.contiguous().clone();
            ranks.AllReduceSum(sum);
            buffer.copy_(sum.div_(ranks.Size));
        }
    }

    /// <summary>The sum over the ranks of each value (every rank gives the same number of values).</summary>
    public static double[] Sum(ICollective ranks, params double[] values)
    {
        if (ranks.Size == 1) return values;
        using var sum = tensor(values, dtype: float64);
        ranks.AllReduceSum(sum);
        return sum.data<double>().ToArray();
    }

    /// <summary>Whether any rank says yes (a stop that one rank was asked for stops all at the same minibatch).</summary>
    public static bool Any(ICollective ranks, bool value) => Sum(ranks, value ? 1 : 0)[0] > 0;

    static void BroadcastInPlace(ICollective ranks, Tensor tensor)
    {
        if (tensor.is_contiguous())
        {
            ranks.Broadcast(tensor);
            return;
        }
        var copy = tensor.contiguous();
        ranks.Broadcast(copy);
        tensor.copy_(copy);
    }

    // training_loop.py's check_ddp_consistency(ignore_regex=r'.*\.[^.]+_(avg|ema)'), which also matches a top-level name.
    [GeneratedRegex(@"(^|\.)[^.]+_(avg|ema)$")]
    private static partial Regex TrackedBuffer();
}
