namespace StyleGan.Configs;

/// <summary>
/// What the synthesis network starts from: a learned 4x4 constant, the traditional input (w through a dense layer to
/// 4x4), or StyleGAN3's Fourier features (which make the network StyleGAN3's: alias-free layers, no blocks).
/// </summary>
public enum SynthesisInput { Const, Dense, Fourier }
