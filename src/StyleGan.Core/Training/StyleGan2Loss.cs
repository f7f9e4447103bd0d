using StyleGan.Layers;
using StyleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>Loss values of one accumulation, for logging (null where the phase did not compute the term).</summary>
public sealed record LossTerms(double? GMain = null, double? GPathLength = null, double? DFake = null, double? DReal = null, double? DR1 = null)
{
    public IEnumerable<(string Name, double Value)> Computed() =>
        new[] { ("loss/G", GMain), ("loss/G_pl", GPathLength), ("loss/D_fake", DFake), ("loss/D_real", DReal), ("loss/D_r1", DR1) }
            .Where(t => t.Item2 is not null).Select(t => (t.Item1, t.Item2!.Value));
}

/// <summary>
/// StyleGAN2's losses (StyleGAN2-ADA's training/loss.py): non-saturating logistic loss, style mixing regularization,
/// path length regularization for G and R1 for D. Accumulates gradients; the caller steps the optimizers.
/// </summary>
public sealed class StyleGan2Loss
{
    readonly Generator generator;
    readonly Discriminator discriminator;
    readonly double styleMixingProb;
    readonly double r1Gamma;
    readonly int plBatchShrink;
    readonly double plDecay;
    readonly double plWeight;
    readonly torch.Generator random;

    /// <summary>Running mean of path lengths (part of the training state).</summary>
    public Tensor PlMean { get; }

    /// <param name="generator">The generator being trained.</param>
    /// <param name="discriminator">The discriminator being trained.</param>
    /// <param name="random">Random stream for style mixing and path-length noise.</param>
    /// <param name="styleMixingProb">Probability of mixing two latents at a random layer (0.9 in StyleGAN2).</param>
    /// <param name="r1Gamma">R1 weight gamma (0: off).</param>
    /// <param name="plBatchShrink">Path length regularization runs on batch / this.</param>
    /// <param name="plDecay">Decay of the running mean of path lengths.</param>
    /// <param name="plWeight">Path length regularization weight (0: off).</param>
    public StyleGan2Loss(Generator generator, Discriminator discriminator, torch.Generator random, double styleMixingProb = 0.9,
        double r1Gamma = 10, int plBatchShrink = 2, double plDecay = 0.01, double plWeight = 2)
    {
        this.generator = generator;
        this.discriminator = discriminator;
        this.random = random;
        this.styleMixingProb = styleMixingProb;
        this.r1Gamma = r1Gamma;
        this.plBatchShrink = plBatchShrink;
        this.plDecay = plDecay;
        this.plWeight = plWeight;
        PlMean = zeros(Array.Empty<long>());
    }

    /// <summary>Runs G with style mixing: from a random layer on, ws come from a second latent.</summary>
    public (Tensor Img, Tensor Ws) RunGenerator(Tensor z, Tensor? c)
    {
        var ws = generator.Mapping.forward(z, c);
        if (styleMixingProb > 0)
        {
            long numWs = ws.shape[1];
            long cutoff = randint(1, numWs, Array.Empty<long>(), generator: random).item<long>();
            bool mix = rand(Array.Empty<long>(), generator: random).item<float>() < styleMixingProb;
            var mixed = generator.Mapping.forward(randn(z.shape, device: z.device, generator: random), c, skipWAvgUpdate: true);
            if (mix) ws = cat(new[] { ws.narrow(1, 0, cutoff), mixed.narrow(1, cutoff, numWs - cutoff) }, 1);
        }
        return (generator.Synthesis.forward(ws, NoiseMode.Random, noiseGenerator: random), ws);
    }

    /// <summary>Accumulates the gradients of one phase for one minibatch, scaled by <paramref name="gain"/> (the lazy interval).</summary>
    public LossTerms Accumulate(LossPhase phase, Tensor realImg, Tensor? realC, Tensor genZ, Tensor? genC, double gain)
    {
        bool doGMain = phase is LossPhase.GMain or LossPhase.GBoth;
        bool doDMain = phase is LossPhase.DMain or LossPhase.DBoth;
        bool doGPl = phase is LossPhase.GReg or LossPhase.GBoth && plWeight != 0;
        bool doDR1 = phase is LossPhase.DReg or LossPhase.DBoth && r1Gamma != 0;
        var terms = new LossTerms();

        if (doGMain)
        {
            var (img, _) = RunGenerator(genZ, genC);
            var loss = GanLosses.GeneratorLogistic(discriminator.forward(img, genC));
            (loss.mean() * gain).backward();
            terms = terms with { GMain = loss.mean().item<float>() };
        }

        if (doGPl)
        {
            long batch = Math.Max(genZ.shape[0] / plBatchShrink, 1);
            var (img, ws) = RunGenerator(genZ.narrow(0, 0, batch), genC?.narrow(0, 0, batch));
            var noise = randn(img.shape, device: img.device, generator: random) / Math.Sqrt(img.shape[2] * img.shape[3]);
            var lengths = GanLosses.PathLengths(img, ws, noise);
            var plMean = PlMean + (lengths.mean() - PlMean) * plDecay;
            using (no_grad()) PlMean.copy_(plMean.detach());
            var penalty = (lengths - plMean).square();
            var loss = penalty * plWeight;
            ((img.select(1, 0).select(1, 0).select(1, 0) * 0 + loss).mean() * gain).backward();
            terms = terms with { GPathLength = penalty.mean().item<float>() };
        }

        if (doDMain)
        {
            Tensor img;
            using (no_grad()) img = RunGenerator(genZ, genC).Img;
            var loss = GanLosses.DiscriminatorFake(discriminator.forward(img, genC));
            (loss.mean() * gain).backward();
            terms = terms with { DFake = loss.mean().item<float>() };
        }

        if (doDMain || doDR1)
        {
            var real = realImg.detach().requires_grad_(doDR1);
            var logits = discriminator.forward(real, realC);
            var total = logits * 0;
            if (doDMain)
            {
                var loss = GanLosses.DiscriminatorReal(logits);
                total = total + loss;
                terms = terms with { DReal = loss.mean().item<float>() };
            }
            if (doDR1)
            {
                var penalty = GanLosses.R1Penalty(logits, real);
                total = total + penalty * (r1Gamma / 2);
                terms = terms with { DR1 = penalty.mean().item<float>() };
            }
            (total.mean() * gain).backward();
        }
        return terms;
    }
}
