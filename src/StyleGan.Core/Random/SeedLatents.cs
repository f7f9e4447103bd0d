using static TorchSharp.torch;

namespace StyleGan.Random;

/// <summary>Latents for a list of seeds, drawn exactly as NVIDIA's generate.py draws them.</summary>
public static class SeedLatents
{
    /// <summary>float32 [N, zDim]; row i is <c>RandomState(seeds[i]).randn(zDim)</c>, independent of the other seeds.</summary>
    /// <param name="seeds">One seed per row.</param>
    /// <param name="zDim">Latent size of the generator.</param>
    /// <param name="device">Where the result lives (null: CPU).</param>
    public static Tensor LatentsForSeeds(IReadOnlyList<uint> seeds, int zDim, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(zDim);
        var values = new float[seeds.Count * zDim];
        for (int i = 0; i < seeds.Count; i++)
            new NumpyRandomState(seeds[i]).Randn(zDim).CopyTo(values, i * zDim);
        return tensor(values, new long[] { seeds.Count, zDim }, device: device);
    }
}
