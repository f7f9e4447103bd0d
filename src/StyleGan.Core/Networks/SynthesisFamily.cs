using StyleGan.Configs;

namespace StyleGan.Networks;

/// <summary>
/// A family of synthesis networks, chosen once from the config: which layers each block is made of. The families
/// share <see cref="SynthesisNetwork"/> and <see cref="SynthesisBlock"/>; a family is the short list of its parts.
/// </summary>
public abstract class SynthesisFamily
{
    /// <summary>The family a config describes: StyleGAN2's modulated layers, or the 2019 family's (StyleGAN and Progressive GAN).</summary>
    /// <param name="config">The synthesis config.</param>
    public static SynthesisFamily Of(SynthesisConfig config) =>
        config.Normalization == SynthesisNormalization.Demodulation ? new StyleGan2Synthesis(config) : new StyleGan1Synthesis(config);

    /// <summary>How many ws a block's toRGB takes.</summary>
    public abstract int ToRgbWs { get; }

    /// <summary>Builds one block's parts.</summary>
    /// <param name="inChannels">Channels of the previous block (0 for the first block, which makes its own input).</param>
    /// <param name="outChannels">Channels of this block.</param>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="resolution">Resolution of this block.</param>
    /// <param name="imgChannels">Image channels.</param>
    /// <param name="isLast">Whether this is the final block (which always has a toRGB).</param>
    public abstract SynthesisBlockParts Block(int inChannels, int outChannels, int wDim, int resolution, int imgChannels, bool isLast);
}
