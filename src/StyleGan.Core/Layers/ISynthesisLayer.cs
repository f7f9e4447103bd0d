using TorchSharp.Modules;
using StyleGan.Configs;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>What a synthesis layer of every family offers: its forward pass, its noise input and the affine that turns w into its styles.</summary>
public interface ISynthesisLayer
{
    /// <summary>The layer's stored noise [resolution, resolution] (NoiseMode.Const), or null for a layer without noise.</summary>
    Tensor? NoiseConst { get; }

    /// <summary>The learned strength the noise is scaled by (a scalar in StyleGAN2, one per channel in StyleGAN), or null without noise.</summary>
    Parameter? NoiseStrength { get; }

    /// <summary>The rows of the style affine that scale the features [channels, w_dim], as applied, or null for a layer without styles.</summary>
    Tensor? ScaleStyleWeight { get; }

    /// <summary>The layer's output resolution.</summary>
    int Resolution { get; }

    /// <summary>The dtype the layer's parameters are stored in.</summary>
    ScalarType DType { get; }

    /// <param name="x">Input [N, I, H, W], or null for a layer that makes its own input (StyleGAN's const or dense input).</param>
    /// <param name="w">Latent [N, w_dim] for this layer.</param>
    /// <param name="call">The pass's noise and convolution path.</param>
    Tensor forward(Tensor? x, Tensor w, SynthesisCall call);
}
