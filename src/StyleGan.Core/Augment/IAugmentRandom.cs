using StyleGan.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Augment;

/// <summary>
/// Where an augmentation pipeline's random numbers come from, drawn in augment.py's order and shapes: a generator
/// in training, stored draws to replay NVIDIA's pipeline exactly.
/// </summary>
public interface IAugmentRandom
{
    /// <summary>Uniform numbers in [0, 1), float32, on <paramref name="device"/>.</summary>
    Tensor Uniform(long[] shape, Device device);

    /// <summary>Standard normal numbers, float32, on <paramref name="device"/>.</summary>
    Tensor Normal(long[] shape, Device device);
}

/// <summary>
/// Draws from a torch generator (the run's augmentation stream, saved in every checkpoint). Every draw of the pipeline
/// has a row per image, so where ranks share a minibatch each draws for the whole minibatch and keeps its rows.
/// </summary>
/// <param name="generator">The random stream.</param>
/// <param name="share">This rank's rows of the minibatch; null: one process.</param>
public sealed class GeneratorRandom(torch.Generator generator, BatchShare? share = null) : IAugmentRandom
{
    readonly BatchShare share = share ?? BatchShare.Whole;

    public Tensor Uniform(long[] shape, Device device) => share.Uniform(shape, generator, device: device);

    public Tensor Normal(long[] shape, Device device) => share.Normal(shape, generator, device: device);
}
