namespace StyleGan.Augment;

/// <summary>
/// What an augmentation pipeline does, as the arguments of StyleGAN2-ADA's AugmentPipe (training/augment.py), under
/// their names there: a probability multiplier per transform (0: off, 1: applied with probability p) and each
/// transform's strength. The defaults are NVIDIA's, with every transform off; <see cref="AugmentPresets"/> names the
/// combinations of train.py's --augpipe.
/// </summary>
public sealed record AugmentConfig
{
    /// <summary>Probability multiplier for x-flips.</summary>
    public double Xflip { get; init; }

    /// <summary>Probability multiplier for 90 degree rotations.</summary>
    public double Rotate90 { get; init; }

    /// <summary>Probability multiplier for integer translation.</summary>
    public double Xint { get; init; }

    /// <summary>Range of integer translation, relative to the image size.</summary>
    public double XintMax { get; init; } = 0.125;

    /// <summary>Probability multiplier for isotropic scaling.</summary>
    public double Scale { get; init; }

    /// <summary>Probability multiplier for arbitrary rotation (before and after the anisotropic scaling).</summary>
    public double Rotate { get; init; }

    /// <summary>Probability multiplier for anisotropic scaling.</summary>
    public double Aniso { get; init; }

    /// <summary>Probability multiplier for fractional translation.</summary>
    public double Xfrac { get; init; }

    /// <summary>Log2 standard deviation of isotropic scaling.</summary>
    public double ScaleStd { get; init; } = 0.2;

    /// <summary>Range of arbitrary rotation, 1 = full circle.</summary>
    public double RotateMax { get; init; } = 1;

    /// <summary>Log2 standard deviation of anisotropic scaling.</summary>
    public double AnisoStd { get; init; } = 0.2;

    /// <summary>Standard deviation of fractional translation, relative to the image size.</summary>
    public double XfracStd { get; init; } = 0.125;

    /// <summary>Probability multiplier for brightness.</summary>
    public double Brightness { get; init; }

    /// <summary>Probability multiplier for contrast.</summary>
    public double Contrast { get; init; }

    /// <summary>Probability multiplier for luma flips.</summary>
    public double Lumaflip { get; init; }

    /// <summary>Probability multiplier for hue rotation (RGB only).</summary>
    public double Hue { get; init; }

    /// <summary>Probability multiplier for saturation (RGB only).</summary>
    public double Saturation { get; init; }

    /// <summary>Standard deviation of brightness.</summary>
    public double BrightnessStd { get; init; } = 0.2;

    /// <summary>Log2 standard deviation of contrast.</summary>
    public double ContrastStd { get; init; } = 0.5;

    /// <summary>Range of hue rotation, 1 = full circle.</summary>
    public double HueMax { get; init; } = 1;

    /// <summary>Log2 standard deviation of saturation.</summary>
    public double SaturationStd { get; init; } = 1;

    /// <summary>Probability multiplier for image-space filtering.</summary>
    public double Imgfilter { get; init; }

    /// <summary>Probability multipliers of the 4 frequency bands.</summary>
    public IReadOnlyList<double> ImgfilterBands { get; init; } = [1, 1, 1, 1];

    /// <summary>Log2 standard deviation of a band's amplification.</summary>
    public double ImgfilterStd { get; init; } = 1;

    /// <summary>Probability multiplier for additive RGB noise.</summary>
    public double Noise { get; init; }

    /// <summary>Probability multiplier for cutout.</summary>
    public double Cutout { get; init; }

    /// <summary>Standard deviation of additive RGB noise.</summary>
    public double NoiseStd { get; init; } = 0.1;

    /// <summary>Side of the cutout rectangle, relative to the image size.</summary>
    public double CutoutSize { get; init; } = 0.5;

    /// <summary>Whether a pixel-blitting or general geometric transform is on: they run as one resampling.</summary>
    public bool Geometric => Xflip > 0 || Rotate90 > 0 || Xint > 0 || Scale > 0 || Rotate > 0 || Aniso > 0 || Xfrac > 0;

    /// <summary>The side an image needs at least: reflect padding of the filter bank's 21 taps, when filtering is on.</summary>
    public int MinimumResolution => Imgfilter > 0 ? Wavelets.FilterBankTaps / 2 + 1 : 1;

    /// <summary>Refuses images too small for the pipeline (see <see cref="MinimumResolution"/>), naming the setting.</summary>
    /// <param name="resolution">The images' side.</param>
    public void CheckResolution(int resolution)
    {
        if (resolution < MinimumResolution)
            throw new InvalidValueException("AugmentPipe", $"image-space filtering (imgfilter) needs images of at least {MinimumResolution} pixels a side, " +
                $"not {resolution}x{resolution}; choose a pipeline without it, such as bgc.");
    }

    /// <summary>Checks every value, naming the first one out of range.</summary>
    public AugmentConfig Validate()
    {
        foreach (var (name, value) in new (string, double)[] {
            (nameof(Xflip), Xflip), (nameof(Rotate90), Rotate90), (nameof(Xint), Xint), (nameof(XintMax), XintMax), (nameof(Scale), Scale),
            (nameof(Rotate), Rotate), (nameof(Aniso), Aniso), (nameof(Xfrac), Xfrac), (nameof(ScaleStd), ScaleStd), (nameof(RotateMax), RotateMax),
            (nameof(AnisoStd), AnisoStd), (nameof(XfracStd), XfracStd), (nameof(Brightness), Brightness), (nameof(Contrast), Contrast),
            (nameof(Lumaflip), Lumaflip), (nameof(Hue), Hue), (nameof(Saturation), Saturation), (nameof(BrightnessStd), BrightnessStd),
            (nameof(ContrastStd), ContrastStd), (nameof(HueMax), HueMax), (nameof(SaturationStd), SaturationStd), (nameof(Imgfilter), Imgfilter),
            (nameof(ImgfilterStd), ImgfilterStd), (nameof(Noise), Noise), (nameof(Cutout), Cutout), (nameof(NoiseStd), NoiseStd),
            (nameof(CutoutSize), CutoutSize) })
        {
            if (!double.IsFinite(value) || value < 0 || value > 1e3)
                throw new InvalidValueException(name, $"the augmentation setting {name} = {value} is outside [0, 1000].");
        }
        if (ImgfilterBands.Count != Wavelets.FilterBankBands || ImgfilterBands.Any(b => !double.IsFinite(b) || b < 0 || b > 1e3))
            throw new InvalidValueException(nameof(ImgfilterBands), $"the filter bands [{string.Join(", ", ImgfilterBands)}] must be {Wavelets.FilterBankBands} multipliers in [0, 1000].");
        return this;
    }
}
