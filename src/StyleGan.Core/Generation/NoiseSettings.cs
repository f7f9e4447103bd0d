using StyleGan.Layers;

namespace StyleGan.Generation;

/// <summary>The per-pixel noise of the synthesis layers.</summary>
/// <param name="Mode">Const (each layer's stored noise, as NVIDIA's generate.py by default), Random or None.</param>
/// <param name="Seed">Seeds the random noise: one call with the same seed and batch size draws the same noise.</param>
public sealed record NoiseSettings(NoiseMode Mode = NoiseMode.Const, ulong Seed = 0)
{
    /// <summary>The stored noise of every layer (NVIDIA's default for generating).</summary>
    public static readonly NoiseSettings Const = new();
}
