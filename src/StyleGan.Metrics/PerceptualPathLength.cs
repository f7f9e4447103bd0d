using StyleGan.Configs;
using StyleGan.Generation;
using StyleGan.Ops;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Metrics;

/// <summary>
/// Perceptual path length as NVIDIA's metrics/perceptual_path_length.py measures it: for pairs of latents, the LPIPS
/// distance between the images at t and t + epsilon along their interpolation (linear in W, spherical in Z), divided
/// by epsilon²; the mean of the distances between the 1st and 99th percentiles. Each batch redraws the synthesis
/// layers' stored noise, which both images of a pair share, as the official code does with its copy of G; here the
/// stored noise is put back afterwards.
/// </summary>
public static class PerceptualPathLength
{
    /// <summary>Pairs per batch: NVIDIA's ppl2_wend runs 2 per GPU; more use the CPU better and change only which pairs share a noise draw.</summary>
    public const int BatchSize = 8;

    /// <summary>The distance of every pair, divided by epsilon² [pairs] (float64), before the percentile filter.</summary>
    /// <param name="generator">The generator (G_ema).</param>
    /// <param name="lpips">The LPIPS network.</param>
    /// <param name="protocol">Space, sampling, crop and epsilon.</param>
    /// <param name="pairs">Number of pairs.</param>
    /// <param name="latents">The random stream of latents, labels, t and noise.</param>
    /// <param name="device">Where the networks run.</param>
    /// <param name="progress">Called with the pairs done after each batch.</param>
    public static Tensor Distances(Generator generator, Lpips lpips, PathLengthProtocol protocol, int pairs, MetricLatents latents, Device device,
        Action<int>? progress = null)
    {
        if (!double.IsFinite(protocol.Epsilon) || protocol.Epsilon <= 0 || protocol.Epsilon > 1)
            throw new InvalidValueException("Epsilon", $"the path-length step {protocol.Epsilon} is outside (0, 1].");
        // The crop keeps half the height and half the width.
        if (protocol.Crop && generator.Config.ImgResolution / 2 < Vgg16Features.MinSize)
            throw new InvalidValueException("Crop", $"the centre crop of {generator.Config.ImgResolution}-pixel images is smaller than LPIPS' {Vgg16Features.MinSize} pixels.");
        using var _ = no_grad();
        generator.eval();
        var noise = NoiseInputs.Of(generator.Synthesis);
        var stored = noise.Select(input => input.Const.clone().DetachFromDisposeScope()).ToList();
        var distances = new List<Tensor>();
        try
        {
            for (int done = 0; done < pairs; done += BatchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(BatchSize, pairs - done);
                distances.Add(Batch(generator, lpips, protocol, n, latents, noise, device).cpu().MoveToOuterDisposeScope());
                progress?.Invoke(done + n);
            }
            return cat(distances, 0);
        }
        finally
        {
            foreach (var (input, saved) in noise.Zip(stored)) input.Const.copy_(saved);
            foreach (var tensor in stored.Concat(distances)) tensor.Dispose();
        }
    }

    /// <summary>The metric: the mean of the distances from the 1st percentile (rounded down) to the 99th (rounded up), as NumPy's lower/higher percentiles.</summary>
    /// <param name="distances">From <see cref="Distances"/>.</param>
    public static double Aggregate(Tensor distances)
    {
        var sorted = distances.to(float64).data<double>().Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No path lengths to aggregate.", nameof(distances));
        double lo = sorted[(int)Math.Floor(0.01 * (sorted.Length - 1))], hi = sorted[(int)Math.Ceiling(0.99 * (sorted.Length - 1))];
        return sorted.Where(d => d >= lo && d <= hi).Average();
    }

    static Tensor Batch(Generator generator, Lpips lpips, PathLengthProtocol protocol, int n, MetricLatents latents, IReadOnlyList<NoiseInput> noise, Device device)
    {
        // Drawn in the official order: t, the two latents, the labels, then the noise.
        var t = latents.Uniform(n) * (protocol.Full ? 1 : 0);
        var z = latents.Z(2 * n);
        var c = latents.Labels(n);
        var c2 = c is null ? null : cat([c, c], 0).to(device);
        var (z0, z1) = (z.narrow(0, 0, n).to(device), z.narrow(0, n, n).to(device));
        t = t.to(device);
        Tensor ws;
        if (protocol.Space == LatentSpace.W)
        {
            var w = generator.Mapping.forward(cat([z0, z1], 0), c2);
            var (w0, w1) = (w.narrow(0, 0, n), w.narrow(0, n, n));
            var t3 = t.reshape(n, 1, 1);
            ws = cat([w0 + (w1 - w0) * t3, w0 + (w1 - w0) * (t3 + protocol.Epsilon)], 0);
        }
        else
        {
            var t2 = t.reshape(n, 1);
            ws = generator.Mapping.forward(cat([Slerp(z0, z1, t2), Slerp(z0, z1, t2 + protocol.Epsilon)], 0), c2);
        }
        foreach (var input in noise) input.Const.copy_(latents.NormalLike(input.Const));
        var images = generator.Synthesis.forward(ws, NoiseMode.Const).to(float32);
        if (protocol.Crop)
        {
            long eighth = images.shape[2] / 8;
            images = images[.., .., TensorIndex.Slice(eighth * 3, eighth * 7), TensorIndex.Slice(eighth * 2, eighth * 6)];
        }
        long factor = generator.Config.ImgResolution / 256;
        if (factor > 1)
            images = images.reshape(images.shape[0], images.shape[1], images.shape[2] / factor, factor, images.shape[3] / factor, factor).mean([3, 5]);
        images = Images.PixelRange.Rgb(images);
        var distance = lpips.forward(images.narrow(0, 0, n), images.narrow(0, n, n));
        return distance.to(float64) / (protocol.Epsilon * protocol.Epsilon);
    }

    // NVIDIA's slerp of normalized vectors, with t per row.
    static Tensor Slerp(Tensor a, Tensor b, Tensor t)
    {
        a = a / a.norm(-1, keepdim: true);
        b = b / b.norm(-1, keepdim: true);
        var d = (a * b).sum(-1, keepdim: true);
        var p = t * d.acos();
        var c = b - d * a;
        c = c / c.norm(-1, keepdim: true);
        var result = a * p.cos() + c * p.sin();
        return result / result.norm(-1, keepdim: true);
    }
}
