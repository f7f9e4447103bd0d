using StyleGan.Configs;
using StyleGan.Distributed;
using StyleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>
/// StyleGAN2's losses (StyleGAN2-ADA's training/loss.py): non-saturating logistic loss, style mixing regularization,
/// path length regularization for G and R1 for D; or, for Progressive GAN (the 2019 paper's config A), WGAN-GP with
/// its drift term. StyleGAN3's version of the same loss adds the fading blur of D's images and advances the moving
/// averages only for D's fakes (<see cref="LossVersion"/>). Accumulates gradients; the caller steps the optimizers.
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
    readonly AdversarialLoss kind;
    readonly double wganLambda;
    readonly double wganEpsilon;
    readonly torch.Generator random;
    readonly Func<Tensor, Tensor>? augment;
    readonly double blurInitSigma;
    readonly double blurFadeKimg;
    readonly LossVersion version;
    readonly BatchShare share;

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
    /// <param name="kind">Logistic (with R1) or WGAN-GP.</param>
    /// <param name="wganLambda">WGAN-GP's gradient penalty weight (0: off).</param>
    /// <param name="wganEpsilon">WGAN-GP's drift weight on D(real)^2.</param>
    /// <param name="augment">Applied to every image D sees, reals and fakes, differentiably (ADA's pipeline); null: none.</param>
    /// <param name="blurInitSigma">StyleGAN3's Gaussian blur of every image D sees, before the augmentation: its sigma at the start (0: none).</param>
    /// <param name="blurFadeKimg">The blur fades linearly to none over this many thousand images (0: no blur at all, as NVIDIA's).</param>
    /// <param name="version">Whose loss.py, where StyleGAN2-ADA's and stylegan3's differ (moving averages, zero gradients).</param>
    /// <param name="share">This rank's rows of minibatches that several ranks compute together (per-image draws are made for the whole minibatch, the path length mean is the whole minibatch's); null: one process.</param>
    public StyleGan2Loss(Generator generator, Discriminator discriminator, torch.Generator random, double styleMixingProb = 0.9,
        double r1Gamma = 10, int plBatchShrink = 2, double plDecay = 0.01, double plWeight = 2,
        AdversarialLoss kind = AdversarialLoss.Logistic, double wganLambda = 10, double wganEpsilon = 0.001, Func<Tensor, Tensor>? augment = null,
        double blurInitSigma = 0, double blurFadeKimg = 0, LossVersion version = LossVersion.StyleGan2Ada, BatchShare? share = null)
    {
        this.share = share ?? BatchShare.Whole;
        this.blurInitSigma = blurInitSigma;
        this.blurFadeKimg = blurFadeKimg;
        this.version = version;
        this.augment = augment;
        this.kind = kind;
        this.wganLambda = wganLambda;
        this.wganEpsilon = wganEpsilon;
        this.generator = generator;
        this.discriminator = discriminator;
        this.random = random;
        this.styleMixingProb = styleMixingProb;
        this.r1Gamma = r1Gamma;
        this.plBatchShrink = plBatchShrink;
        this.plDecay = plDecay;
        this.plWeight = plWeight;
        var reference = generator.parameters().First();
        PlMean = zeros(Array.Empty<long>(), dtype: reference.dtype, device: reference.device);
    }

    /// <summary>
    /// Runs G as the official loss does: mapping (which updates w_avg in training mode), style mixing from a cutoff
    /// on, synthesis. The mixing and the synthesis noise come from <paramref name="draws"/> when given, else from
    /// the loss's random stream, drawn in the official order. <paramref name="forDiscriminator"/>: the fakes of D's
    /// main phase, the run in which stylegan3's loss advances the moving averages.
    /// </summary>
    public (Tensor Img, Tensor Ws) RunGenerator(Tensor z, Tensor? c, LossDraws? draws = null, bool forDiscriminator = false)
    {
        bool updateEmas = generator.training && (version == LossVersion.StyleGan2Ada || forDiscriminator);
        var ws = generator.Mapping.forward(z, c, skipWAvgUpdate: !updateEmas);
        long numWs = ws.shape[1];
        var mix = draws is null ? DrawMixing(z, numWs, generator.Synthesis.ActiveNumWs) : draws.Mixing;
        if (mix is not null && mix.Cutoff < numWs)
        {
            var mixed = generator.Mapping.forward(mix.Z.narrow(0, 0, z.shape[0]), c, skipWAvgUpdate: true);
            ws = cat(new[] { ws.narrow(1, 0, mix.Cutoff), mixed.narrow(1, mix.Cutoff, numWs - mix.Cutoff) }, 1);
        }
        return (generator.Synthesis.forward(ws, draws?.SynthesisNoise ?? NoiseMode.Random, noiseGenerator: random, updateEmas: updateEmas, share: share), ws);
    }

    // The official draw: a cutoff in [1, num_ws), kept with the mixing probability (else num_ws), and new latents. A
    // growing network mixes among the ws its lod uses, as the 2019 code does.
    StyleMix? DrawMixing(Tensor z, long numWs, long activeWs)
    {
        if (styleMixingProb <= 0 || activeWs < 2) return null;
        long cutoff = randint(1, activeWs, Array.Empty<long>(), generator: random).item<long>();
        bool mix = rand(Array.Empty<long>(), generator: random).item<float>() < styleMixingProb;
        return new StyleMix(mix ? cutoff : numWs, share.Normal(z.shape, random, device: z.device));
    }

    // D of an image as the official run_D: blurred and augmented first, so that gradients (G's, R1's) pass through both.
    Tensor RunDiscriminator(Tensor img, Tensor? c, double blurSigma)
    {
        double blurSize = Math.Floor(blurSigma * 3);
        if (blurSize > 0)
        {
            var taps = arange(-blurSize, blurSize + 1, dtype: img.dtype, device: img.device).div(blurSigma).square().neg().exp2();
            img = Ops.Upfirdn2d.Filter2d(img, taps / taps.sum());
        }
        return discriminator.forward(augment is null ? img : augment(img), c);
    }

    // StyleGAN2-ADA's `x * 0` terms: they reach every parameter, so each gets a gradient (zero where the term does not
    // depend on it: the ToRGB biases in the path length term, D's output bias in R1) and Adam advances its moments and
    // step count for all of them. stylegan3's loss has none.
    Tensor ZeroReachingEveryParameter(Tensor output) =>
        version == LossVersion.StyleGan2Ada ? (output.ndim == 4 ? output.select(1, 0).select(1, 0).select(1, 0) : output) * 0 : zeros(1, dtype: output.dtype, device: output.device);

    /// <summary>The sigma of StyleGAN3's blur of D's images after <paramref name="curNimg"/> images: fading linearly from its initial value to 0.</summary>
    public double BlurSigma(long curNimg) => blurFadeKimg > 0 ? Math.Max(1 - curNimg / (blurFadeKimg * 1e3), 0) * blurInitSigma : 0;

    /// <summary>
    /// Accumulates the gradients of one phase for one minibatch, scaled by <paramref name="gain"/> (the lazy
    /// interval), as the official accumulate_gradients does; <paramref name="draws"/> replaces its random draws, and
    /// <paramref name="curNimg"/> (images shown so far) sets the blur.
    /// </summary>
    public LossTerms Accumulate(LossPhase phase, Tensor realImg, Tensor? realC, Tensor genZ, Tensor? genC, double gain, LossDraws? draws = null, long curNimg = 0)
    {
        double blurSigma = BlurSigma(curNimg);
        bool doGMain = phase is LossPhase.GMain or LossPhase.GBoth;
        bool doDMain = phase is LossPhase.DMain or LossPhase.DBoth;
        bool doGPl = phase is LossPhase.GReg or LossPhase.GBoth && plWeight != 0;
        bool wgan = kind == AdversarialLoss.WganGp;
        bool doDR1 = phase is LossPhase.DReg or LossPhase.DBoth && r1Gamma != 0 && !wgan;
        bool doDGp = phase is LossPhase.DReg or LossPhase.DBoth && wganLambda != 0 && wgan;
        var terms = new LossTerms();

        if (doGMain)
        {
            var (img, _) = RunGenerator(genZ, genC, draws);
            var logits = RunDiscriminator(img, genC, blurSigma);
            var loss = wgan ? GanLosses.GeneratorWasserstein(logits) : GanLosses.GeneratorLogistic(logits);
            (loss.mean() * gain).backward();
            terms = terms with { GMain = loss.detach(), ScoresFake = logits.detach() };
        }

        if (doGPl)
        {
            long batch = Math.Max(genZ.shape[0] / plBatchShrink, 1);
            var (img, ws) = RunGenerator(genZ.narrow(0, 0, batch), genC?.narrow(0, 0, batch), draws);
            var noise = draws?.PathLengthNoise ?? share.Normal(img.shape, random, device: img.device) / Math.Sqrt(img.shape[2] * img.shape[3]);
            var lengths = GanLosses.PathLengths(img, ws, noise);
            var batchMean = share.Mean(lengths.mean());
            var plMean = PlMean + (batchMean - PlMean) * plDecay;
            using (no_grad()) PlMean.copy_(plMean);
            var penalty = (lengths - plMean).square();
            // NVIDIA's pl_mean carries the gradient of the lengths' mean, which a rank cannot take through the other
            // ranks' lengths. That gradient is d/dl_k of the penalties' mean through pl_mean, -2 decay (mean - pl_mean) / n
            // for every k, so a term linear in the lengths with that factor gives it exactly, on any number of ranks.
            var throughMean = lengths * ((batchMean - plMean) * (-2 * plDecay));
            ((ZeroReachingEveryParameter(img) + (penalty + throughMean) * plWeight).mean() * gain).backward();
            terms = terms with { PlPenalty = penalty.detach() };
        }

        Tensor? fakes = null;
        if (doDMain)
        {
            using (no_grad()) fakes = RunGenerator(genZ, genC, draws, forDiscriminator: true).Img;
            var logits = RunDiscriminator(fakes, genC, blurSigma);
            var loss = wgan ? GanLosses.DiscriminatorWassersteinFake(logits) : GanLosses.DiscriminatorFake(logits);
            (loss.mean() * gain).backward();
            terms = terms with { DFake = loss.detach(), ScoresFake = logits.detach() };
        }

        if (doDGp)
        {
            // Progressive GAN's penalty: at a uniform random point between each real and a fake, with the reals' labels.
            if (fakes is null) using (no_grad()) fakes = RunGenerator(genZ, genC, draws).Img;
            var u = draws?.GradientPenaltyFactors ?? share.Uniform([realImg.shape[0], 1, 1, 1], random, realImg.dtype, realImg.device);
            var mixed = (realImg.detach() + (fakes - realImg.detach()) * u).detach().requires_grad_(true);
            var penalty = GanLosses.GradientPenalty(RunDiscriminator(mixed, realC, blurSigma), mixed);
            (penalty.mean() * (wganLambda * gain)).backward();
            terms = terms with { GradientPenalty = penalty.detach() };
        }

        if (doDMain || doDR1)
        {
            var real = realImg.detach().requires_grad_(doDR1);
            var logits = RunDiscriminator(real, realC, blurSigma);
            var total = ZeroReachingEveryParameter(logits);
            terms = terms with { ScoresReal = logits.detach() };
            if (doDMain)
            {
                var loss = wgan ? GanLosses.DiscriminatorWassersteinReal(logits, wganEpsilon) : GanLosses.DiscriminatorReal(logits);
                total = total + loss;
                terms = terms with { DReal = loss.detach() };
            }
            if (doDR1)
            {
                var penalty = GanLosses.R1Penalty(logits, real);
                total = total + penalty * (r1Gamma / 2);
                terms = terms with { R1Penalty = penalty.detach() };
            }
            (total.mean() * gain).backward();
        }
        return terms;
    }
}
