using SkiaSharp;
using StyleGan.Data;
using StyleGan.Formats;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Inception statistics (mean and covariance of pool3 features) of a set of image files, as pytorch-fid's command line
/// computes them: each file read as RGB (PIL's <c>convert('RGB')</c>: gray repeated, alpha dropped), scaled to [0, 1],
/// resized to 299 and normalized by <see cref="InceptionV3"/>; or read from a statistics file (<c>.npz</c> with
/// <c>mu</c> and <c>sigma</c>, as pytorch-fid's <c>--save-stats</c> writes it).
/// </summary>
public static class ImageSetStatistics
{
    /// <summary>The statistics of a folder (recursively), a zip of images, or an .npz statistics file.</summary>
    /// <param name="path">The folder, zip or .npz.</param>
    /// <param name="inception">The feature network.</param>
    /// <param name="batchSize">Images per forward pass (pytorch-fid: 50).</param>
    /// <param name="progress">Called after each batch with the images done so far and the total.</param>
    public static (Tensor Mu, Tensor Sigma) Of(string path, InceptionV3 inception, int batchSize = 50, Action<int, int>? progress = null)
    {
        if (batchSize is < 1 or > 4096) throw new InvalidValueException("BatchSize", $"the batch size {batchSize} is outside [1, 4096].");
        if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return Load(path, (int)inception.FeatureCount);
        using var source = ImageSource.Open(path);
        if (source.Images.Count < 2)
            throw new InvalidDataException($"{path} holds {source.Images.Count} image{(source.Images.Count == 1 ? "" : "s")}; a covariance needs at least 2 (FID is usually taken over 10,000 or more).");
        using var statistics = new FeatureStatistics((int)inception.FeatureCount);
        using var _ = no_grad();
        for (int start = 0; start < source.Images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = source.Images.Skip(start).Take(batchSize).Select(file => Read(source, file)).ToList();
            // Files of one size go through together; pytorch-fid needs one size per batch, this takes any.
            foreach (var group in batch.GroupBy(image => (image.shape[1], image.shape[2])))
                statistics.Add(inception.forward(PixelRange.UnitFromUint8(stack(group.ToList(), 0))).Features);
            progress?.Invoke(Math.Min(source.Images.Count, start + batchSize), source.Images.Count);
        }
        return (statistics.Mean(), statistics.Covariance());
    }

    /// <summary>Writes statistics as pytorch-fid does (<c>np.savez(path, mu=mu, sigma=sigma)</c>, float64).</summary>
    /// <param name="path">The .npz to write.</param>
    /// <param name="mu">Mean [D].</param>
    /// <param name="sigma">Covariance [D, D].</param>
    public static void Save(string path, Tensor mu, Tensor sigma) => NpzFile.Save(path, [("mu", mu.to(float64)), ("sigma", sigma.to(float64))]);

    static (Tensor Mu, Tensor Sigma) Load(string path, int dimension)
    {
        var arrays = NpzFile.Load(path);
        if (!arrays.TryGetValue("mu", out var mu) || !arrays.TryGetValue("sigma", out var sigma))
            throw new InvalidDataException($"{path} is not a statistics file: it needs arrays 'mu' and 'sigma' (as pytorch-fid's --save-stats writes), it holds {string.Join(", ", arrays.Keys)}.");
        if (!mu.shape.SequenceEqual(new long[] { dimension }) || !sigma.shape.SequenceEqual(new long[] { dimension, dimension }))
            throw new InvalidDataException($"{path}: mu [{string.Join(", ", mu.shape)}] and sigma [{string.Join(", ", sigma.shape)}] are not the [{dimension}] and " +
                $"[{dimension}, {dimension}] of this Inception's features; were they saved with other --dims?");
        return (mu.to(float64), sigma.to(float64));
    }

    // uint8 [3, H, W], as PIL's convert('RGB') gives it.
    static Tensor Read(ImageSource source, string file)
    {
        using var bitmap = ImageFile.Decode(source.ReadAllBytes(file), SKColorType.Rgba8888, SKAlphaType.Unpremul, source.Describe(file));
        var rgba = tensor(bitmap.GetPixelSpan().ToArray(), new long[] { bitmap.Height, bitmap.Width, 4 }, ScalarType.Byte);
        return rgba.narrow(2, 0, 3).permute(2, 0, 1).contiguous();
    }
}
