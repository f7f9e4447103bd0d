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

/// <summary>Draws from a torch generator (the run's augmentation stream, saved in every checkpoint).</summary>
/// <param name="generator">The random stream.</param>
public sealed class GeneratorRandom(torch.Generator generator) : IAugmentRandom
{
    public Tensor Uniform(long[] shape, Device device) => rand(shape, device: device, generator: generator);

    public Tensor Normal(long[] shape, Device device) => randn(shape, device: device, generator: generator);
}
