using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// Frees intermediate tensors when the computation that made them is done, as PyTorch's reference counting does.
/// A TorchSharp tensor lives until its dispose scope ends, so one scope around a whole forward pass keeps every
/// intermediate of every layer alive at once: 5.9 GB for one 1024x1024 image. Each op and layer therefore computes
/// inside <see cref="Keep(Func{Tensor})"/>, which gives it a scope of its own and moves only the result out.
/// Autograd keeps what backward needs by itself, so this is right in training as well.
/// </summary>
public static class Intermediates
{
    /// <summary>Runs <paramref name="compute"/> in its own dispose scope; only its result outlives it.</summary>
    public static Tensor Keep(Func<Tensor> compute)
    {
        using var scope = NewDisposeScope();
        var result = compute();
        // A result that is an input (an identity op) belongs to an outer scope already and stays where it is.
        if (scope.Contains(result)) scope.MoveToOuter(result);
        return result;
    }

    /// <summary>As <see cref="Keep(Func{Tensor})"/>, for a computation with two results (features and image).</summary>
    public static (Tensor, Tensor?) Keep(Func<(Tensor, Tensor?)> compute)
    {
        using var scope = NewDisposeScope();
        var (first, second) = compute();
        if (scope.Contains(first)) scope.MoveToOuter(first);
        if (second is not null && scope.Contains(second)) scope.MoveToOuter(second);
        return (first, second);
    }

}

/// <summary>
/// A tensor taken through elementwise steps. The first step on a tensor the caller does not own makes a new one;
/// the later steps overwrite that one where no gradient flows through it (inference), where nothing can have saved
/// it for backward. A chain of n steps then holds one tensor instead of n.
/// </summary>
/// <param name="value">The starting tensor.</param>
/// <param name="owned">Whether the caller made <paramref name="value"/> and nothing else uses it, so it may be overwritten.</param>
public sealed class Elementwise(Tensor value, bool owned = false)
{
    public Tensor Value { get; private set; } = value;

    /// <param name="inPlace">The step as an in-place op (e.g. t => t.mul_(2)).</param>
    /// <param name="outOfPlace">The same step making a new tensor (t => t * 2).</param>
    public Elementwise Then(Func<Tensor, Tensor> inPlace, Func<Tensor, Tensor> outOfPlace)
    {
        Value = owned && !Value.requires_grad ? inPlace(Value) : outOfPlace(Value);
        owned = true;
        return this;
    }
}
