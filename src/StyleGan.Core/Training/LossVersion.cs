namespace StyleGan.Training;

/// <summary>Which of NVIDIA's repositories' training/loss.py the loss follows; they differ in two details.</summary>
public enum LossVersion
{
    /// <summary>
    /// StyleGAN2-ADA's: w_avg advances at every mapping of G's own latents in training mode (not the mixing latents),
    /// and the regularization terms add <c>output * 0</c>, so every parameter gets a gradient (zero where the term does
    /// not depend on it) and Adam steps it.
    /// </summary>
    StyleGan2Ada,

    /// <summary>
    /// stylegan3's: the moving averages (w_avg, the input magnitudes) advance only when G draws the fakes of D's main
    /// phase (its update_emas), and a parameter a term does not reach gets no gradient, so Adam leaves it alone.
    /// </summary>
    StyleGan3,
}
