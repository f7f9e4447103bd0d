using StyleGan.Configs;

namespace StyleGan.Generation;

/// <summary>The per-pixel noise of the synthesis layers.</summary>
/// <param name="Mode">Const (each layer's stored noise, as NVIDIA's generate.py by default), Random or None.</param>
/// <param name="Seed">Seeds the random noise: one call with the same seed and batch size draws the same noise.</param>
/// <param name="Strength">Multiplies every layer's noise on top of its learned strength (1: as trained; 0 is the same image as no noise).</param>
public sealed record NoiseSettings(NoiseMode Mode = NoiseMode.Const, ulong Seed = 0, double Strength = 1)
{
    /// <summary>The largest noise strength accepted: beyond it the images are noise.</summary>
    public const double MaxStrength = 100;

    /// <summary>Refuses a strength that is not a finite number in [0, <see cref="MaxStrength"/>].</summary>
    public void Check()
    {
        if (!double.IsFinite(Strength) || Strength < 0 || Strength > MaxStrength)
            throw new InvalidValueException("NoiseStrength", $"the noise strength {Strength} is not a number in [0, {MaxStrength}].");
    }

    /// <summary>The stored noise of every layer (NVIDIA's default for generating).</summary>
    public static readonly NoiseSettings Const = new();
}
