using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>
/// The per-image terms of one loss accumulation, as the official loss reports them (null where the phase did not
/// compute the term). They are detached: for logging and checks, not for gradients.
/// </summary>
public sealed record LossTerms
{
    /// <summary>The generator's loss: softplus(-D(G(z))), non-saturating, or -D(G(z)) (WGAN).</summary>
    public Tensor? GMain { get; init; }

    /// <summary>(path length - its running mean)^2, before the path length weight.</summary>
    public Tensor? PlPenalty { get; init; }

    /// <summary>The discriminator's loss on fakes: softplus(D(G(z))), or D(G(z)) (WGAN).</summary>
    public Tensor? DFake { get; init; }

    /// <summary>The discriminator's loss on reals: softplus(-D(x)), or -D(x) + epsilon D(x)^2 (WGAN-GP).</summary>
    public Tensor? DReal { get; init; }

    /// <summary>|grad_x D(x)|^2, before the R1 weight gamma / 2.</summary>
    public Tensor? R1Penalty { get; init; }

    /// <summary>(|grad D| - 1)^2 at images between reals and fakes (WGAN-GP), before its weight lambda.</summary>
    public Tensor? GradientPenalty { get; init; }

    /// <summary>D's logits on the fakes (of G's main phase or D's).</summary>
    public Tensor? ScoresFake { get; init; }

    /// <summary>D's logits on the reals.</summary>
    public Tensor? ScoresReal { get; init; }

    /// <summary>
    /// The mean of each computed term, under the names the logs use; <c>loss/signs_real</c> is E[sign(D(real))], the
    /// overfitting heuristic r_t that adaptive augmentation steers by (NVIDIA's Loss/signs/real).
    /// </summary>
    public IEnumerable<(string Name, double Value)> Computed() =>
        new[] { ("loss/G", GMain), ("loss/G_pl", PlPenalty), ("loss/D_fake", DFake), ("loss/D_real", DReal), ("loss/D_r1", R1Penalty), ("loss/D_gp", GradientPenalty),
            ("loss/signs_real", ScoresReal?.sign()) }
            .Where(t => t.Item2 is not null).Select(t => (t.Item1, t.Item2!.mean().to(float64).item<double>()));
}
