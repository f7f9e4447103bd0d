using StyleGan.Configs;
using StyleGan.Ops;
using StyleGan.Data;
using StyleGan.Networks;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Metrics;

/// <summary>Which transform an equivariance metric applies to StyleGAN3's input and to the reference image.</summary>
public enum EquivarianceTransform
{
    /// <summary>EQ-T: translations by whole pixels, up to 1/8 of the image (eqt50k_int).</summary>
    IntegerTranslation,

    /// <summary>EQ-T_frac: translations by any fraction of a pixel, up to 1/8 of the image (eqt50k_frac).</summary>
    FractionalTranslation,

    /// <summary>EQ-R: rotations by up to 180 degrees either way (eqr50k).</summary>
    Rotation,
}

/// <summary>
/// StyleGAN3's equivariance metrics (metrics/equivariance.py): the PSNR between the image of a transformed input and
/// the transformed image, over the pixels both can vouch for, with NVIDIA's draws in NVIDIA's order (per batch of 4:
/// z, then the transform), so that a seed gives NVIDIA's score.
/// </summary>
public static class Equivariance
{
    /// <summary>Images per batch, as metric_main.py runs these metrics (it decides which draws go together).</summary>
    public const int BatchSize = 4;

    const double TranslateMax = 0.125, RotateMaxHalfTurns = 1;

    /// <summary>The PSNR in dB (higher: more equivariant).</summary>
    /// <param name="generator">A StyleGAN3 generator (its input's transform is what moves the image).</param>
    /// <param name="transform">Which transform.</param>
    /// <param name="count">Images, rounded up to whole batches as NVIDIA's loop does.</param>
    /// <param name="latents">The metric's draws (z, labels, and the transforms' uniform draws).</param>
    /// <param name="device">Where the generator runs.</param>
    /// <param name="progress">Called with the number of images done.</param>
    public static double Psnr(Generator generator, EquivarianceTransform transform, int count, MetricLatents latents, Device device, Action<int>? progress = null)
    {
        var synthesis = FourierInputOf(generator);
        var matrix = synthesis.Input.Transform;
        using var saved = matrix.clone();
        double squaredErrors = 0, maskedPixels = 0;
        try
        {
            using var _ = no_grad();
            for (int done = 0; done < count; done += BatchSize)
            {
                using var scope = NewDisposeScope();
                var z = latents.Z(BatchSize).to(device);
                var ws = generator.Mapping.forward(z, latents.Labels(BatchSize)?.to(device));
                var identity = eye(3, dtype: matrix.dtype);
                matrix.copy_(identity);
                var original = Synthesize(synthesis, ws);
                var (reference, image, mask) = Transformed(synthesis, ws, original, transform, latents, generator.Config.ImgResolution);
                squaredErrors += ((reference - image).square() * mask).to(float64).sum().item<double>();
                maskedPixels += mask.to(float64).sum().item<double>();
                progress?.Invoke(Math.Min(done + BatchSize, count));
            }
        }
        finally
        {
            using (no_grad()) matrix.copy_(saved);
        }
        double mse = squaredErrors / maskedPixels;
        return Math.Log10(2) * 20 - Math.Log10(mse) * 10;
    }

    /// <summary>The generator's StyleGAN3 synthesis network, whose input these metrics move; a network without one is refused naming the metrics.</summary>
    /// <param name="generator">The generator to score.</param>
    public static AliasFreeSynthesisNetwork FourierInputOf(Generator generator) =>
        generator.Synthesis as AliasFreeSynthesisNetwork ?? throw new InvalidValueException(StandardMetrics.Setting,
            "the equivariance metrics (eqt50k_int, eqt50k_frac, eqr50k) move StyleGAN3's Fourier input; this network has none (it is a StyleGAN2 or " +
            "2019 network), and NVIDIA's metrics refuse it too. Choose other metrics for it.");

    static Tensor Synthesize(AliasFreeSynthesisNetwork synthesis, Tensor ws) => synthesis.forward(ws, NoiseMode.Const).to(float32);

    static (Tensor Reference, Tensor Image, Tensor Mask) Transformed(AliasFreeSynthesisNetwork synthesis, Tensor ws, Tensor original,
        EquivarianceTransform transform, MetricLatents latents, int resolution)
    {
        var matrix = synthesis.Input.Transform;
        switch (transform)
        {
            case EquivarianceTransform.IntegerTranslation:
            case EquivarianceTransform.FractionalTranslation:
            {
                var t = (latents.Uniform(2) * 2 - 1) * TranslateMax;
                if (transform == EquivarianceTransform.IntegerTranslation) t = (t * resolution).round() / resolution;
                matrix.copy_(eye(3, dtype: matrix.dtype));
                matrix[TensorIndex.Slice(0, 2), 2] = -t.to(matrix.dtype);
                var image = Synthesize(synthesis, ws);
                var (reference, mask) = transform == EquivarianceTransform.IntegerTranslation
                    ? EquivarianceTransforms.IntegerTranslation(original, t[0], t[1])
                    : EquivarianceTransforms.FractionalTranslation(original, t[0], t[1]);
                return (reference, image, mask);
            }
            case EquivarianceTransform.Rotation:
            {
                var angle = (latents.Uniform() * 2 - 1) * (RotateMaxHalfTurns * Math.PI);
                matrix.copy_(EquivarianceTransforms.RotationMatrix(-angle));
                var image = Synthesize(synthesis, ws);
                var (reference, referenceMask) = EquivarianceTransforms.FractionalRotation(original, angle);
                var (pseudo, pseudoMask) = EquivarianceTransforms.FractionalPseudoRotation(image, angle);
                return (reference, pseudo, referenceMask * pseudoMask);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(transform), transform, null);
        }
    }
}
