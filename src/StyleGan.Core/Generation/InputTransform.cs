using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>
/// StyleGAN3's translation and rotation of the image (gen_images.py's --translate and --rotate, the visualizer's
/// equivariance controls): the inverse of the wanted image transform, in the Fourier input's transform buffer.
/// </summary>
public static class InputTransform
{
    /// <summary>gen_images.py's make_transform: the image rotated by <paramref name="degrees"/>, then translated.</summary>
    /// <param name="x">Translation along x, in image widths.</param>
    /// <param name="y">Translation along y, in image heights.</param>
    /// <param name="degrees">Rotation in degrees.</param>
    public static Tensor Make(double x, double y, double degrees)
    {
        double s = Math.Sin(degrees / 360.0 * Math.PI * 2), c = Math.Cos(degrees / 360.0 * Math.PI * 2);
        return tensor(new[] { c, s, x, -s, c, y, 0, 0, 1 }, dtype: ScalarType.Float64).reshape(3, 3);
    }

    /// <summary>Sets the generator's input transform to the inverse of <see cref="Make"/>, as gen_images.py does before it generates.</summary>
    /// <param name="generator">A StyleGAN3 generator.</param>
    /// <param name="x">Translation along x, in image widths.</param>
    /// <param name="y">Translation along y, in image heights.</param>
    /// <param name="degrees">Rotation in degrees.</param>
    public static void Apply(Networks.Generator generator, double x, double y, double degrees)
    {
        if (generator.Synthesis is not AliasFreeSynthesisNetwork aliasFree)
            throw new InvalidValueException("Translate", "translating and rotating the image move StyleGAN3's Fourier input; this network has none (it is a StyleGAN2 or 2019 network).");
        if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(degrees))
            throw new InvalidValueException("Translate", $"the translation ({x}, {y}) and rotation {degrees} must be numbers.");
        using var _ = no_grad();
        using var inverse = linalg.inv(Make(x, y, degrees));
        aliasFree.Input.Transform.copy_(inverse);
    }
}
