namespace StyleGan.Training;

/// <summary>
/// The official --cfg presets of StyleGAN2-ADA (auto, stylegan2, paper256, paper512, paper1024, cifar), small CPU
/// presets that learn something within minutes on two cores, and StyleGAN2's architecture table at the cpu-tiny size
/// (sg2-G-D, G and D each orig, skip or resnet) and the StyleGAN (2019) paper's configs A-F (sg1-a ... sg1-f). Values not
/// in a preset keep TrainingOptions' defaults, ADA among them; the papers' tables were trained without augmentation,
/// and so are their presets. StyleGAN3's configs T and R (stylegan3-t, stylegan3-r) and CPU sizes of each follow.
/// </summary>
public static class Presets
{
    static readonly (string Name, Configs.Architecture Value)[] Architectures =
        [("orig", Configs.Architecture.Orig), ("skip", Configs.Architecture.Skip), ("resnet", Configs.Architecture.Resnet)];

    /// <summary>StyleGAN2's table 2 (its generator and discriminator architectures) as presets, G in the rows and D in the columns.</summary>
    public static readonly IReadOnlyList<string> ArchitectureTable = Architectures.SelectMany(g => Architectures.Select(d => $"sg2-{g.Name}-{d.Name}")).ToList();

    /// <summary>The StyleGAN (2019) paper's table 1, configs A (Progressive GAN) to F (StyleGAN), as presets.</summary>
    public static readonly IReadOnlyList<string> StyleGan1Table = ["sg1-a", "sg1-b", "sg1-c", "sg1-d", "sg1-e", "sg1-f"];

    /// <summary>StyleGAN3's configs T and R as its train.py builds them, and each at a size for CPUs.</summary>
    public static readonly IReadOnlyList<string> StyleGan3Table = ["stylegan3-t", "stylegan3-r", "stylegan3-t-cpu", "stylegan3-r-cpu"];

    public static readonly IReadOnlyList<string> Names = ["cpu-tiny", "cpu-small", "auto", "stylegan2", "paper256", "paper512", "paper1024", "cifar",
        .. ArchitectureTable, .. StyleGan1Table, .. StyleGan3Table];

    /// <param name="cfg">Preset name.</param>
    /// <param name="resolution">Dataset resolution (the auto preset derives its values from it).</param>
    public static TrainingOptions Get(string cfg, int resolution) => cfg switch
    {
        // Ours, for CPUs: small networks, gamma 10 as in the stylegan2 preset. The auto formula's gamma (0.0064 at 32x32)
        // let D win and G collapse to one digit within 10-60 kimg on the bundled MNIST, in NVIDIA's code as in ours.
        "cpu-tiny" => Make(cfg, kimg: 200, batch: 32, mbstd: 4, fmaps: 1024 / 32768.0, channelMax: 64, lr: 0.0025,
            gamma: 10, ema: 1, ramp: 0.05, map: 2, zDim: 128) with { TickKimg = 1, SnapKimg = 5 },
        "cpu-small" => Make(cfg, kimg: 1000, batch: 32, mbstd: 4, fmaps: 2048 / 32768.0, channelMax: 128, lr: 0.0025,
            gamma: 10, ema: 2, ramp: 0.05, map: 2, zDim: 256) with { TickKimg = 1, SnapKimg = 10 },
        "auto" => Auto(resolution),
        "stylegan2" => Make(cfg, kimg: 25000, batch: 32, mbstd: 4, fmaps: 1, channelMax: 512, lr: 0.002, gamma: 10, ema: 10, ramp: null, map: 8),
        "paper256" => Make(cfg, kimg: 25000, batch: 64, mbstd: 8, fmaps: 0.5, channelMax: 512, lr: 0.0025, gamma: 1, ema: 20, ramp: null, map: 8),
        "paper512" => Make(cfg, kimg: 25000, batch: 64, mbstd: 8, fmaps: 1, channelMax: 512, lr: 0.0025, gamma: 0.5, ema: 20, ramp: null, map: 8),
        "paper1024" => Make(cfg, kimg: 25000, batch: 32, mbstd: 4, fmaps: 1, channelMax: 512, lr: 0.002, gamma: 2, ema: 10, ramp: null, map: 8),
        "cifar" => Make(cfg, kimg: 100000, batch: 64, mbstd: 32, fmaps: 1, channelMax: 512, lr: 0.0025, gamma: 0.01, ema: 500, ramp: 0.05, map: 2)
            with { PlWeight = 0, StyleMixing = 0, DArchitecture = Configs.Architecture.Orig },
        // The paper's table compares architectures at its config E; here at the cpu-tiny size, everything else equal
        // (and, as in the paper, without augmentation).
        _ when ArchitectureTable.Contains(cfg) => Get("cpu-tiny", resolution) with
        {
            Cfg = cfg, GArchitecture = ArchitectureOf(cfg.Split('-')[1]), DArchitecture = ArchitectureOf(cfg.Split('-')[2]), Augment = Augment.AugmentMode.Noaug,
        },
        _ when StyleGan1Table.Contains(cfg) => StyleGan1(cfg, Get("cpu-tiny", resolution)),
        "stylegan3-t" or "stylegan3-r" => StyleGan3(cfg, Make(cfg, kimg: 25000, batch: 32, mbstd: 4, fmaps: 1, channelMax: 512, lr: 0.0025,
            gamma: 8.2, ema: 10, ramp: 0.05, map: 2)),
        // Ours, for CPUs. StyleGAN3's layers cost far more than StyleGAN2's at equal widths (NVIDIA's own code on this
        // CPU: 14 s for one forward pass of 32 images at cpu-tiny's widths with 6 layers), so: 4 layers, a margin of 4
        // pixels, 32 channels at most. R's doubling of G's channels is left out, so the two differ only in what makes
        // R: 1x1 convolutions, radial filters and the blur. NVIDIA's blur (sigma 10 over 200 kimg) is 1% of a
        // 1024-pixel image for 1% of a 25,000 kimg run; on 32x32 images sigma 10 leaves D nothing to see (a first
        // run here stayed at loss ln 2 for 8 kimg), so ours is sigma 2 fading over the first 4 kimg.
        "stylegan3-t-cpu" => CpuStyleGan3(cfg),
        "stylegan3-r-cpu" => CpuStyleGan3(cfg) with { GChannelMultiplier = 1, BlurSigma = 2, BlurFadeKimg = 4 },
        _ => throw new InvalidValueException(nameof(TrainingOptions.Cfg), $"unknown preset '{cfg}'; choose one of: {string.Join(", ", Names)}."),
    };

    // The 2019 paper's ladder at the cpu-tiny size: each config adds its row's change to the one before. The growth
    // schedule is the original's (600 + 600 kimg per resolution, from 4x4 for Progressive GAN and 8x8 for StyleGAN,
    // its per-resolution minibatches halved) scaled to 4 + 4 kimg; lr 0.001, R1 (gamma 10) at every D step from B on.
    static TrainingOptions StyleGan1(string cfg, TrainingOptions tiny)
    {
        char row = cfg[^1];
        return tiny with
        {
            Cfg = cfg,
            Loss = row == 'a' ? AdversarialLoss.WganGp : AdversarialLoss.Logistic,
            Resampling = row == 'a' ? Configs.Resampling.Nearest : Configs.Resampling.NearestBlur,
            MappingLayers = row >= 'c' ? 8 : 0,
            Normalization = row >= 'c' ? Configs.SynthesisNormalization.Adain : Configs.SynthesisNormalization.PixelNorm,
            Input = row >= 'd' ? Configs.SynthesisInput.Const : Configs.SynthesisInput.Dense,
            UseNoise = row >= 'e',
            StyleMixing = row == 'f' ? 0.9 : 0,
            GArchitecture = Configs.Architecture.Orig, DArchitecture = Configs.Architecture.Orig, Augment = Augment.AugmentMode.Noaug,
            LearningRate = 0.001, Gamma = row == 'a' ? 0 : 10, PlWeight = 0, ConvClamp = null, GRegInterval = null, DRegInterval = null,
            Growth = new GrowthSchedule
            {
                InitialResolution = row == 'a' ? 4 : 8, TrainingKimg = 4, TransitionKimg = 4,
                Batch = new() { [4] = 64, [8] = 64, [16] = 64, [32] = 32, [64] = 16 },
                LearningRate = new() { [128] = 0.0015, [256] = 0.002, [512] = 0.003, [1024] = 0.003 },
            },
        };
    }

    // StyleGAN3's train.py on top of its common settings: Fourier input and alias-free layers, D's lr 0.002, no style
    // mixing or path length regularization, the G_ema half-life batch * 10 / 32 kimg; config R doubles G's channels,
    // takes 1x1 convolutions and radial filters, and blurs D's images at first (sigma 10, fading over batch * 200 / 32 kimg).
    static TrainingOptions StyleGan3(string cfg, TrainingOptions common)
    {
        bool r = cfg.StartsWith("stylegan3-r", StringComparison.Ordinal);
        return common with
        {
            Input = Configs.SynthesisInput.Fourier, GArchitecture = Configs.Architecture.Orig, DLearningRate = 0.002, StyleMixing = 0, PlWeight = 0,
            GRegInterval = null, EmaKimg = common.Batch * 10 / 32.0,
            GChannelMultiplier = r ? 2 : 1,
            ConvKernel = r ? 1 : null, RadialFilters = r, BlurSigma = r ? 10 : 0, BlurFadeKimg = r ? common.Batch * 200 / 32.0 : 0,
        };
    }

    static TrainingOptions CpuStyleGan3(string cfg) => StyleGan3(cfg, Make(cfg, kimg: 200, batch: 32, mbstd: 4, fmaps: 1024 / 32768.0, channelMax: 32,
        lr: 0.0025, gamma: 10, ema: 10, ramp: 0.05, map: 2, zDim: 128)) with { TickKimg = 1, SnapKimg = 5, SynthesisLayers = 4, SynthesisMargin = 4 };

    static Configs.Architecture ArchitectureOf(string name) => Architectures.First(a => a.Name == name).Value;

    // train.py's 'auto' for one GPU: batch and gamma from the resolution.
    static TrainingOptions Auto(int resolution)
    {
        int batch = Math.Max(Math.Min(Math.Min(4096 / resolution, 32), 64), 1);
        return Make("auto", kimg: 25000, batch: batch, mbstd: Math.Min(batch, 4), fmaps: resolution >= 512 ? 1 : 0.5, channelMax: 512,
            lr: resolution >= 1024 ? 0.002 : 0.0025, gamma: 0.0002 * resolution * resolution / batch, ema: batch * 10 / 32.0, ramp: 0.05, map: 2);
    }

    static TrainingOptions Make(string cfg, double kimg, int batch, int mbstd, double fmaps, int channelMax, double lr, double gamma,
        double ema, double? ramp, int map, int zDim = 512) => new()
    {
        Cfg = cfg, TotalKimg = kimg, Batch = batch, MbstdGroup = mbstd, ChannelBase = (int)(fmaps * 32768), ChannelMax = channelMax,
        LearningRate = lr, Gamma = gamma, EmaKimg = ema, EmaRampup = ramp, MappingLayers = map, ZDim = zDim,
    };
}
