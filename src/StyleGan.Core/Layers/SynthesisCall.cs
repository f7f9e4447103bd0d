using StyleGan.Configs;
using StyleGan.Distributed;

namespace StyleGan.Layers;

/// <summary>How one pass of a synthesis network runs: what every layer takes from the call rather than from its weights.</summary>
/// <param name="NoiseMode">Random, constant or no noise.</param>
/// <param name="FusedModconv">
/// The path of StyleGAN2's modulated convolutions: grouped convolution, activation scaling, or null for the measured
/// choice. A family without modulated convolutions (the 2019 layers) has no such choice to make.
/// </param>
/// <param name="NoiseGenerator">Random stream for NoiseMode.Random (the global one when null).</param>
/// <param name="NoiseScale">Multiplies the noise on top of the learned strength (1: as trained), as a visualizer's noise slider.</param>
/// <param name="UpdateEmas">StyleGAN3's layers first track their input magnitudes (training, as NVIDIA's update_emas).</param>
/// <param name="Share">Which rows of a minibatch that several ranks compute together this pass is (random noise is drawn for the whole minibatch); null: all of it.</param>
public sealed record SynthesisCall(NoiseMode NoiseMode, bool? FusedModconv = null, TorchSharp.torch.Generator? NoiseGenerator = null, double NoiseScale = 1,
    bool UpdateEmas = false, BatchShare? Share = null)
{
    /// <summary>Per-pixel noise [rows, 1, resolution, resolution] of this pass's rows, from <see cref="NoiseGenerator"/>.</summary>
    public TorchSharp.torch.Tensor RandomNoise(long rows, int resolution, TorchSharp.torch.ScalarType? dtype, TorchSharp.torch.Device device) =>
        (Share ?? BatchShare.Whole).Normal([rows, 1, resolution, resolution], NoiseGenerator, dtype, device);
}
