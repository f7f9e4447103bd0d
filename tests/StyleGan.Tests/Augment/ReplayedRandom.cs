using StyleGan.Augment;
using static TorchSharp.torch;

namespace StyleGan.Tests.Augment;

/// <summary>Stored draws given back in their order, each checked against the kind and shape the pipeline asks for.</summary>
sealed class ReplayedRandom(IReadOnlyList<(char Kind, Tensor Value)> draws, string what) : IAugmentRandom
{
    int next;

    public Tensor Uniform(long[] shape, Device device) => Take('u', shape);

    public Tensor Normal(long[] shape, Device device) => Take('n', shape);

    /// <summary>Whether every stored draw was asked for.</summary>
    public bool AllUsed => next == draws.Count;

    Tensor Take(char kind, long[] shape)
    {
        Assert.True(next < draws.Count, $"{what}: draw {next} asked for, but NVIDIA's pipeline drew only {draws.Count}.");
        var (storedKind, value) = draws[next];
        Assert.True(storedKind == kind && value.shape.SequenceEqual(shape),
            $"{what}: draw {next} is {(kind == 'u' ? "uniform" : "normal")} [{string.Join(", ", shape)}] here, " +
            $"{(storedKind == 'u' ? "uniform" : "normal")} [{string.Join(", ", value.shape)}] in NVIDIA's pipeline.");
        next++;
        return value.clone();
    }
}
