using StyleGan.Data;
using static TorchSharp.torch;
using GeneratorConfig = StyleGan.Configs.GeneratorConfig;

namespace StyleGan.Metrics;

/// <summary>
/// The random draws of a metric's generated images, as NVIDIA's metrics make them: z from N(0, I) and, for a
/// conditional generator, the labels of dataset images drawn uniformly. One seeded stream, so a score is
/// reproducible and the first N images of a longer run are the images of a run of N.
/// </summary>
public sealed class MetricLatents : IDisposable
{
    readonly TorchSharp.torch.Generator random;
    readonly int zDim, labelDim;
    readonly ImageDataset? data;

    /// <param name="config">The generator's sizes (z_dim, c_dim).</param>
    /// <param name="data">The dataset whose labels a conditional generator is given; null for an unconditional one.</param>
    /// <param name="seed">Seeds the stream.</param>
    public MetricLatents(GeneratorConfig config, ImageDataset? data, ulong seed)
    {
        labelDim = config.CDim;
        if (labelDim > 0 && (data is null || data.LabelDim != labelDim))
            throw new InvalidDataException($"The generator is conditioned on {labelDim} labels but {data?.Path ?? "no dataset"} has " +
                $"{(data is null || data.LabelDim == 0 ? "none" : data.LabelDim.ToString())}; score it against the data it was trained on.");
        zDim = config.ZDim;
        this.data = data;
        random = new TorchSharp.torch.Generator(seed);
    }

    /// <summary>z [n, z_dim].</summary>
    /// <param name="n">Rows.</param>
    public Tensor Z(int n) => randn(new long[] { n, zDim }, generator: random);

    /// <summary>Labels [n, c_dim] of random dataset images, or null for an unconditional generator.</summary>
    /// <param name="n">Rows.</param>
    public Tensor? Labels(int n)
    {
        if (labelDim == 0) return null;
        var indices = randint(0, data!.Count, new long[] { n }, generator: random).data<long>().Select(i => (int)i).ToList();
        return data.Labels(indices)!;
    }

    /// <summary>Uniform draws in [0, 1) of shape <paramref name="shape"/> (path length's t).</summary>
    /// <param name="shape">The shape.</param>
    public Tensor Uniform(params long[] shape) => rand(shape, generator: random);

    /// <summary>Standard normal draws like <paramref name="like"/> (path length's per-batch noise).</summary>
    /// <param name="like">The tensor whose shape and type to draw.</param>
    public Tensor NormalLike(Tensor like) => randn(like.shape, like.dtype, generator: random);

    public void Dispose() => random.Dispose();
}
