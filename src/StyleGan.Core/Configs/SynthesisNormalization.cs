namespace StyleGan.Configs;

/// <summary>
/// How styles reach the synthesis layers: StyleGAN2's modulated and demodulated convolutions, StyleGAN's (2019)
/// instance norm followed by AdaIN, or no styles and Progressive GAN's pixel norm (the 2019 paper's configs A and B).
/// </summary>
public enum SynthesisNormalization { Demodulation, Adain, PixelNorm }
