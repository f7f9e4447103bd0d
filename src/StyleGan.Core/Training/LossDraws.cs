using StyleGan.Configs;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>A style-mixing draw: the ws from <paramref name="Cutoff"/> on come from the latents <paramref name="Z"/>.</summary>
/// <param name="Cutoff">First ws index taken from <paramref name="Z"/>; num_ws mixes nothing.</param>
/// <param name="Z">Second latents [N, z_dim] (at least as many rows as the batch they mix into).</param>
public sealed record StyleMix(long Cutoff, Tensor Z);

/// <summary>
/// The random draws of one loss phase, given by the caller instead of drawn from the loss's stream: a replay of
/// NVIDIA's loss with stored draws, or any caller that must control them.
/// </summary>
/// <param name="Mixing">Style mixing of every generator run in the phase (null: no mixing).</param>
/// <param name="PathLengthNoise">The path length term's image-space directions, already divided by sqrt(H * W).</param>
/// <param name="SynthesisNoise">Noise mode of every synthesis in the phase.</param>
/// <param name="GradientPenaltyFactors">
/// WGAN-GP's per-sample factors [N, 1, 1, 1] in [0, 1) of the points where its gradient penalty is taken, real + (fake - real) * factor.
/// </param>
public sealed record LossDraws(StyleMix? Mixing = null, Tensor? PathLengthNoise = null, NoiseMode SynthesisNoise = NoiseMode.Random,
    Tensor? GradientPenaltyFactors = null);
