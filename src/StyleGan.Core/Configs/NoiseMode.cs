namespace StyleGan.Configs;

/// <summary>Per-pixel noise in the synthesis layers: fresh random noise, the stored constant noise, or none.</summary>
public enum NoiseMode { Random, Const, None }
