using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>
/// Adam (Kingma and Ba, as torch.optim.Adam computes it) over plain tensors that require gradients. TorchSharp's
/// optimizers take Parameters, and a Parameter made from a tensor takes over its native handle, which would leave the
/// network's own noise buffers disposed; projection optimizes those buffers in place, so it steps them here.
/// </summary>
/// <param name="tensors">The leaves to optimize; their gradients are read after each backward.</param>
/// <param name="beta1">Decay of the gradient mean.</param>
/// <param name="beta2">Decay of the squared-gradient mean.</param>
/// <param name="epsilon">Added to the denominator.</param>
public sealed class TensorAdam(IReadOnlyList<Tensor> tensors, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : IDisposable
{
    readonly List<(Tensor Mean, Tensor Square)> moments = tensors.Select(t => (zeros_like(t).detach(), zeros_like(t).detach())).ToList();
    int steps;

    /// <summary>One update at learning rate <paramref name="lr"/>; then the gradients are cleared.</summary>
    /// <param name="lr">The step's learning rate.</param>
    public void Step(double lr)
    {
        steps++;
        double correction1 = 1 - Math.Pow(beta1, steps), correction2 = 1 - Math.Pow(beta2, steps);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < tensors.Count; i++)
        {
            var grad = tensors[i].grad;
            if (grad is null) continue;
            var (mean, square) = moments[i];
            mean.mul_(beta1).add_(grad, alpha: 1 - beta1);
            square.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
            var denominator = (square.sqrt() / Math.Sqrt(correction2)).add_(epsilon);
            tensors[i].addcdiv_(mean, denominator, value: -lr / correction1);
            grad.zero_();
        }
    }

    public void Dispose()
    {
        foreach (var (mean, square) in moments) { mean.Dispose(); square.Dispose(); }
    }
}
