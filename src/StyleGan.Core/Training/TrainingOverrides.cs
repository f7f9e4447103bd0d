using StyleGan.Augment;
using StyleGan.Serialization;

namespace StyleGan.Training;

/// <summary>
/// The options a user gives instead of a preset's: each null keeps the preset's value. A new run takes all of them;
/// a resumed run only its <see cref="Schedule"/>, and keeps the rest as it was trained.
/// </summary>
public sealed record TrainingOverrides
{
    public double? TotalKimg { get; init; }
    /// <summary>Minibatch size, at every resolution of a growing preset too.</summary>
    public int? Batch { get; init; }
    public double? SnapKimg { get; init; }
    public double? TickKimg { get; init; }
    public int? KeepSnapshots { get; init; }
    public int? Seed { get; init; }
    public double? Gamma { get; init; }
    /// <summary>Learning rate, at every resolution of a growing preset too.</summary>
    public double? LearningRate { get; init; }
    public double? EmaKimg { get; init; }
    public double? PlWeight { get; init; }
    public double? StyleMixing { get; init; }
    public int? MappingLayers { get; init; }
    public int? ZDim { get; init; }
    public int? ChannelBase { get; init; }
    public int? ChannelMax { get; init; }
    public int? MbstdGroup { get; init; }
    /// <summary>Progressive growing's training length per resolution (kimg); growing presets only.</summary>
    public double? GrowthTrainingKimg { get; init; }
    /// <summary>Progressive growing's fade-in length (kimg); growing presets only.</summary>
    public double? GrowthTransitionKimg { get; init; }
    public bool? Mirror { get; init; }
    public bool? Conditional { get; init; }
    public AugmentMode? Augment { get; init; }
    /// <summary>The probability of a fixed augmentation (<see cref="AugmentMode.Fixed"/> only).</summary>
    public double? AugmentP { get; init; }
    /// <summary>ADA's target (<see cref="AugmentMode.Ada"/> only).</summary>
    public double? AdaTarget { get; init; }
    /// <summary>ADA's speed (<see cref="AugmentMode.Ada"/> only).</summary>
    public double? AdaKimg { get; init; }
    /// <summary>The augmentation pipeline's name (<see cref="AugmentPresets"/>), for ada or fixed.</summary>
    public string? AugmentPipe { get; init; }
    public int? FreezeD { get; init; }

    /// <summary>What a resumed run changes: its length, and how often it reports and saves.</summary>
    public TrainingSchedule Schedule => new(TotalKimg, TickKimg, SnapKimg, KeepSnapshots);

    /// <summary>The settings given that a resumed run keeps as it was trained (setting names, as refusals name them).</summary>
    public IReadOnlyList<string> IgnoredOnResume => new (string Setting, bool Given)[]
    {
        (nameof(Batch), Batch is not null), (nameof(Seed), Seed is not null), (nameof(Gamma), Gamma is not null),
        (nameof(LearningRate), LearningRate is not null), (nameof(EmaKimg), EmaKimg is not null), (nameof(PlWeight), PlWeight is not null),
        (nameof(StyleMixing), StyleMixing is not null), (nameof(MappingLayers), MappingLayers is not null), (nameof(ZDim), ZDim is not null),
        (nameof(ChannelBase), ChannelBase is not null), (nameof(ChannelMax), ChannelMax is not null), (nameof(MbstdGroup), MbstdGroup is not null),
        ("Growth.TrainingKimg", GrowthTrainingKimg is not null), ("Growth.TransitionKimg", GrowthTransitionKimg is not null),
        (nameof(Mirror), Mirror is not null), (nameof(Conditional), Conditional is not null), (nameof(Augment), Augment is not null),
        (nameof(AugmentP), AugmentP is not null), (nameof(AdaTarget), AdaTarget is not null), (nameof(AdaKimg), AdaKimg is not null),
        (nameof(AugmentPipe), AugmentPipe is not null), (nameof(FreezeD), FreezeD is not null),
    }.Where(setting => setting.Given).Select(setting => setting.Setting).ToList();

    /// <summary>
    /// A new run's options: the preset's, with these instead where given, and the augmentation checked as train.py
    /// checks it. Starting from a network (transfer learning, as train.py's --resume): the network's pipeline and p
    /// unless given, ADA reacting faster (ada_kimg 100) and no G_ema ramp-up.
    /// </summary>
    /// <param name="preset">The preset (<see cref="Presets.Get"/>).</param>
    /// <param name="sourcePath">The network the run starts from, or null.</param>
    /// <param name="source">That network, loaded, or null.</param>
    public TrainingOptions ApplyTo(TrainingOptions preset, string? sourcePath = null, NetworkSet? source = null)
    {
        var mode = Augment ?? preset.Augment;
        if (mode == AugmentMode.Fixed && AugmentP is null)
            throw new InvalidValueException(nameof(Augment), "`Augment` fixed needs `AugmentP`, the probability (0 to 1).");
        if (AugmentP is not null && mode != AugmentMode.Fixed)
            throw new InvalidValueException(nameof(AugmentP), "`AugmentP` is the probability of `Augment` fixed; ADA (`Augment` ada) sets its own.");
        if (AdaTarget is not null && mode != AugmentMode.Ada) throw new InvalidValueException(nameof(AdaTarget), "`AdaTarget` is ADA's; it needs `Augment` ada.");
        if (AdaKimg is not null && mode != AugmentMode.Ada) throw new InvalidValueException(nameof(AdaKimg), "`AdaKimg` is ADA's; it needs `Augment` ada.");
        if (AugmentPipe is not null && mode == AugmentMode.Noaug)
            throw new InvalidValueException(nameof(AugmentPipe), "`AugmentPipe` names the pipeline of `Augment` ada or fixed, not of noaug.");
        if (preset.Growth is null && (GrowthTrainingKimg is not null || GrowthTransitionKimg is not null))
            throw new InvalidValueException("Growth.TrainingKimg", $"`Growth.TrainingKimg` and `Growth.TransitionKimg` set progressive growing, which the {preset.Cfg} preset does not use; use an sg1-* preset.");
        var fromSource = mode == AugmentMode.Noaug || source is null ? null : Checkpoint.Augmentation(source, sourcePath!);
        return (preset with
        {
            TotalKimg = TotalKimg ?? preset.TotalKimg,
            Batch = Batch ?? preset.Batch,
            SnapKimg = SnapKimg ?? preset.SnapKimg,
            TickKimg = TickKimg ?? preset.TickKimg,
            KeepSnapshots = KeepSnapshots ?? preset.KeepSnapshots,
            Seed = Seed ?? preset.Seed,
            Gamma = Gamma ?? preset.Gamma,
            LearningRate = LearningRate ?? preset.LearningRate,
            EmaKimg = EmaKimg ?? preset.EmaKimg,
            PlWeight = PlWeight ?? preset.PlWeight,
            StyleMixing = StyleMixing ?? preset.StyleMixing,
            MappingLayers = MappingLayers ?? preset.MappingLayers,
            ZDim = ZDim ?? preset.ZDim,
            ChannelBase = ChannelBase ?? preset.ChannelBase,
            ChannelMax = ChannelMax ?? preset.ChannelMax,
            MbstdGroup = MbstdGroup ?? preset.MbstdGroup,
            Mirror = Mirror ?? preset.Mirror,
            Conditional = Conditional ?? preset.Conditional,
            // A minibatch or lr given holds at every resolution of a growing preset too.
            Growth = preset.Growth is { } growth ? growth with
            {
                Batch = Batch is null ? growth.Batch : new(),
                LearningRate = LearningRate is null ? growth.LearningRate : new(),
                TrainingKimg = GrowthTrainingKimg ?? growth.TrainingKimg,
                TransitionKimg = GrowthTransitionKimg ?? growth.TransitionKimg,
            } : null,
            Augment = mode,
            AugmentPipe = AugmentPipe is not null ? AugmentPresets.Get(AugmentPipe) : fromSource?.Config ?? preset.AugmentPipe,
            AugmentP = AugmentP ?? (fromSource is { } sourceAugment ? Math.Min(sourceAugment.P, 1) : preset.AugmentP), // a long ADA run can end above 1
            AdaTarget = AdaTarget ?? preset.AdaTarget,
            AdaKimg = AdaKimg ?? (source is null ? preset.AdaKimg : 100),
            FreezeD = FreezeD ?? preset.FreezeD,
            EmaRampup = source is null ? preset.EmaRampup : null,
            TransferFrom = sourcePath is null ? null : Path.GetFullPath(sourcePath),
        }).Validate();
    }
}
