using StyleGan.Augment;
using StyleGan.Configs;

namespace StyleGan.Training;

/// <summary>
/// Everything that defines a training run, as StyleGAN2-ADA's train.py assembles it from --cfg and overrides.
/// Saved in every checkpoint, so a resumed run continues with exactly these values.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Preset the values came from (see Presets).</summary>
    public string Cfg { get; init; } = "cpu-tiny";

    /// <summary>Train for this many thousand real images.</summary>
    public double TotalKimg { get; init; } = 25000;

    /// <summary>Images per minibatch.</summary>
    public int Batch { get; init; } = 32;

    /// <summary>Latent size (w_dim equals it).</summary>
    public int ZDim { get; init; } = 512;

    /// <summary>Mapping network depth.</summary>
    public int MappingLayers { get; init; } = 8;

    /// <summary>Channels at resolution res: min(channel_base / res, channel_max).</summary>
    public int ChannelBase { get; init; } = 16384;

    /// <summary>Most channels of any layer.</summary>
    public int ChannelMax { get; init; } = 512;

    /// <summary>Minibatch stddev group size.</summary>
    public int MbstdGroup { get; init; } = 4;

    /// <summary>Clamp of conv outputs (the official runs use 256).</summary>
    public double? ConvClamp { get; init; } = 256;

    /// <summary>Generator architecture (skip in StyleGAN2; orig and resnet for its architecture table).</summary>
    public Architecture GArchitecture { get; init; } = Architecture.Skip;

    /// <summary>Discriminator architecture (resnet in StyleGAN2).</summary>
    public Architecture DArchitecture { get; init; } = Architecture.Resnet;

    /// <summary>How styles reach G's layers: demodulation (StyleGAN2), adain (StyleGAN 2019) or pixel_norm (Progressive GAN, no styles).</summary>
    public SynthesisNormalization Normalization { get; init; } = SynthesisNormalization.Demodulation;

    /// <summary>G's input: the learned const, or the traditional dense input (2019 family).</summary>
    public SynthesisInput Input { get; init; } = SynthesisInput.Const;

    /// <summary>Per-pixel noise inputs in G.</summary>
    public bool UseNoise { get; init; } = true;

    /// <summary>Resampling of G and D: fir (StyleGAN2), nearest or nearest_blur (2019 family).</summary>
    public Resampling Resampling { get; init; } = Resampling.Fir;

    /// <summary>Progressive growing of G and D with its schedule (null: the full resolution from the start).</summary>
    public GrowthSchedule? Growth { get; init; }

    /// <summary>Adversarial loss: logistic with R1, or wgan_gp (Progressive GAN's).</summary>
    public AdversarialLoss Loss { get; init; } = AdversarialLoss.Logistic;

    /// <summary>WGAN-GP's gradient penalty weight lambda (target norm 1).</summary>
    public double WganLambda { get; init; } = 10;

    /// <summary>WGAN-GP's drift weight epsilon on D(real)^2.</summary>
    public double WganEpsilon { get; init; } = 0.001;

    /// <summary>Adam lr of G, and of D unless <see cref="DLearningRate"/> says otherwise.</summary>
    public double LearningRate { get; init; } = 0.0025;

    /// <summary>Adam lr of D (null: <see cref="LearningRate"/>; StyleGAN3's train.py uses 0.002 beside G's 0.0025).</summary>
    public double? DLearningRate { get; init; }

    /// <summary>
    /// StyleGAN3's blur of every image D sees: a Gaussian of this sigma (pixels) at the start, fading linearly to none
    /// over <see cref="BlurFadeKimg"/> (10 in config R; 0: off).
    /// </summary>
    public double BlurSigma { get; init; }

    /// <summary>Thousand images over which <see cref="BlurSigma"/> fades out (config R: batch * 200 / 32).</summary>
    public double BlurFadeKimg { get; init; }

    /// <summary>StyleGAN3 (<see cref="SynthesisInput.Fourier"/>): synthesis layers between the input and ToRGB (null: NVIDIA's 14).</summary>
    public int? SynthesisLayers { get; init; }

    /// <summary>StyleGAN3: pixels computed outside the image in every layer but the last critically sampled ones (null: NVIDIA's 10).</summary>
    public int? SynthesisMargin { get; init; }

    /// <summary>G's channel base and maximum are this multiple of <see cref="ChannelBase"/> and <see cref="ChannelMax"/>, D's stay (StyleGAN3-R: 2).</summary>
    public int GChannelMultiplier { get; init; } = 1;

    /// <summary>StyleGAN3: convolution kernel of the synthesis layers (null: 3, config T; config R uses 1).</summary>
    public int? ConvKernel { get; init; }

    /// <summary>StyleGAN3: radially symmetric down-sampling filters (config R).</summary>
    public bool RadialFilters { get; init; }

    /// <summary>R1 weight.</summary>
    public double Gamma { get; init; } = 10;

    /// <summary>Path length regularization weight (0: off).</summary>
    public double PlWeight { get; init; } = 2;

    /// <summary>Style mixing probability.</summary>
    public double StyleMixing { get; init; } = 0.9;

    /// <summary>Half-life of G_ema in thousand images.</summary>
    public double EmaKimg { get; init; } = 10;

    /// <summary>Half-life at most this fraction of images seen (null: none).</summary>
    public double? EmaRampup { get; init; } = 0.05;

    /// <summary>Lazy path length regularization interval (null: in every minibatch's G step).</summary>
    public int? GRegInterval { get; init; } = 4;

    /// <summary>Lazy R1 (or gradient penalty) interval (null: in every minibatch's D step, as StyleGAN 2019 and Progressive GAN).</summary>
    public int? DRegInterval { get; init; } = 16;

    /// <summary>The minibatch size at a resolution: the growth schedule's for it, else <see cref="Batch"/>.</summary>
    public int BatchAt(int resolution) => Growth?.Batch.GetValueOrDefault(resolution, Batch) ?? Batch;

    /// <summary>The learning rate at a resolution: the growth schedule's for it, else <see cref="LearningRate"/>.</summary>
    public double LearningRateAt(int resolution) => Growth?.LearningRate.GetValueOrDefault(resolution, LearningRate) ?? LearningRate;

    /// <summary>Whether D has a regularization term: R1 with the logistic loss, the gradient penalty with WGAN-GP.</summary>
    public bool DRegularized => Loss == AdversarialLoss.WganGp ? WganLambda > 0 : Gamma > 0;

    /// <summary>Augmentation of every image D sees: ada (p steered by the overfitting heuristic), fixed (p = <see cref="AugmentP"/>) or noaug.</summary>
    public AugmentMode Augment { get; init; } = AugmentMode.Ada;

    /// <summary>The transforms of the augmentation pipeline (train.py's --augpipe, bgc by default; see AugmentPresets).</summary>
    public AugmentConfig AugmentPipe { get; init; } = AugmentPresets.Get(AugmentPresets.Default);

    /// <summary>The augmentation probability p at the start (ada), or throughout (fixed).</summary>
    public double AugmentP { get; init; }

    /// <summary>ADA's target for r_t = E[sign(D(real))].</summary>
    public double AdaTarget { get; init; } = 0.6;

    /// <summary>ADA adjusts p every this many minibatches.</summary>
    public int AdaInterval { get; init; } = 4;

    /// <summary>ADA's speed: p may change by 1 over this many thousand images (train.py uses 100 when fine-tuning).</summary>
    public double AdaKimg { get; init; } = 500;

    /// <summary>Whether D's inputs go through the pipeline: ada, or fixed with p above 0 (train.py builds no pipeline for p = 0).</summary>
    public bool Augmented => Augment == AugmentMode.Ada || Augment == AugmentMode.Fixed && AugmentP > 0;

    /// <summary>Freeze-D: D's first this many layers (fromRGB, convolutions and skips, from the highest resolution) keep their weights.</summary>
    public int FreezeD { get; init; }

    /// <summary>The network the run started from (transfer learning), or null: random weights.</summary>
    public string? TransferFrom { get; init; }

    /// <summary>Random x-flips of real images.</summary>
    public bool Mirror { get; init; }

    /// <summary>Use the dataset's labels when it has them.</summary>
    public bool Conditional { get; init; } = true;

    /// <summary>Progress and log every this many kimg.</summary>
    public double TickKimg { get; init; } = 1;

    /// <summary>Checkpoint and sample grid every this many kimg.</summary>
    public double SnapKimg { get; init; } = 10;

    /// <summary>Keep the newest this many checkpoints (0: all).</summary>
    public int KeepSnapshots { get; init; } = 5;

    /// <summary>Seeds initialization, data order, latents and noise.</summary>
    public int Seed { get; init; }

    /// <summary>Checks every value against its valid range, naming the first one out of it.</summary>
    public TrainingOptions Validate()
    {
        Range(nameof(TotalKimg), TotalKimg, "training length (kimg)", 1e-6, 1e9);
        Range(nameof(TickKimg), TickKimg, "tick interval (kimg)", 1e-6, 1e9);
        Range(nameof(SnapKimg), SnapKimg, "snapshot interval (kimg)", 1e-6, 1e9);
        Range(nameof(Batch), Batch, "minibatch size", 1, 4096);
        Range(nameof(ZDim), ZDim, "latent size", 1, 4096);
        // Only the 2019 paper's configs A and B go without a mapping network (w is then the pixel-normed z).
        Range(nameof(MappingLayers), MappingLayers, "mapping network depth", Normalization == SynthesisNormalization.Demodulation ? 1 : 0, 64);
        Range(nameof(ChannelBase), ChannelBase, "channel base", 1, 1 << 20);
        Range(nameof(ChannelMax), ChannelMax, "maximum channels", 1, 4096);
        Range(nameof(MbstdGroup), MbstdGroup, "minibatch-stddev group size", 1, 4096);
        if (Batch % MbstdGroup != 0)
            throw new InvalidValueException(nameof(MbstdGroup), $"the minibatch size {Batch} is not a multiple of the minibatch-stddev group size {MbstdGroup}; choose a batch that it divides, or another group size.");
        Range(nameof(LearningRate), LearningRate, "learning rate", 1e-12, 10);
        if (DLearningRate is double dLr) Range(nameof(DLearningRate), dLr, "D learning rate", 1e-12, 10);
        Range(nameof(BlurSigma), BlurSigma, "blur sigma of D's inputs (pixels)", 0, 1000);
        Range(nameof(BlurFadeKimg), BlurFadeKimg, "blur fade (kimg)", 0, 1e9);
        if (SynthesisLayers is int layers) Range(nameof(SynthesisLayers), layers, "number of synthesis layers", 2, 64);
        if (SynthesisMargin is int margin) Range(nameof(SynthesisMargin), margin, "synthesis margin (pixels)", 0, 256);
        Range(nameof(GChannelMultiplier), GChannelMultiplier, "G's channel multiplier", 1, 16);
        if (ConvKernel is int kernel) Range(nameof(ConvKernel), kernel, "convolution kernel", 1, 15);
        bool aliasFree = Input == SynthesisInput.Fourier;
        foreach (var (name, set) in new[] { (nameof(SynthesisLayers), SynthesisLayers is not null), (nameof(SynthesisMargin), SynthesisMargin is not null), (nameof(ConvKernel), ConvKernel is not null), (nameof(RadialFilters), RadialFilters) })
            if (set && !aliasFree)
                throw new InvalidValueException(name, $"it shapes StyleGAN3's synthesis layers, but this run's input is {Input}, not fourier; choose a stylegan3 preset.");
        Range(nameof(Gamma), Gamma, "R1 weight gamma", 0, 1e9);
        Range(nameof(PlWeight), PlWeight, "path length weight", 0, 1e9);
        Range(nameof(StyleMixing), StyleMixing, "style mixing probability", 0, 1);
        if (PlWeight > 0 && MappingLayers == 0)
            throw new InvalidValueException(nameof(PlWeight), $"path length regularization (weight {PlWeight}) differentiates through w, which without a mapping network is z itself; set it to 0 or give a mapping network.");
        Range(nameof(EmaKimg), EmaKimg, "G_ema half-life (kimg)", 0, 1e9);
        if (EmaRampup is double rampup) Range(nameof(EmaRampup), rampup, "G_ema ramp-up", 0, 1e9);
        if (GRegInterval is int gReg) Range(nameof(GRegInterval), gReg, "path length interval", 1, 1 << 20);
        if (DRegInterval is int dReg) Range(nameof(DRegInterval), dReg, "R1 interval", 1, 1 << 20);
        Range(nameof(WganLambda), WganLambda, "gradient penalty weight", 0, 1e9);
        Range(nameof(WganEpsilon), WganEpsilon, "drift weight", 0, 1e9);
        Growth?.Validate(MbstdGroup);
        AugmentPipe.Validate();
        Range(nameof(AugmentP), AugmentP, "augmentation probability p", 0, 1);
        Range(nameof(AdaTarget), AdaTarget, "ADA target", 0, 1);
        Range(nameof(AdaInterval), AdaInterval, "ADA interval (minibatches)", 1, 1 << 20);
        Range(nameof(AdaKimg), AdaKimg, "ADA speed (kimg)", 1e-3, 1e9);
        Range(nameof(FreezeD), FreezeD, "number of frozen D layers", 0, 1000);
        Range(nameof(KeepSnapshots), KeepSnapshots, "number of snapshots kept", 0, int.MaxValue);
        return this;
    }

    internal static void Range(string name, double value, string what, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            throw new InvalidValueException(name, $"the {what} {value} is outside [{min}, {max}].");
    }
}
