namespace StyleGan.Training;

/// <summary>
/// Progressive growing's schedule, as the original training_schedule computes it: each resolution trains for
/// <see cref="TrainingKimg"/>, then the next fades in over <see cref="TransitionKimg"/>; the minibatch size and
/// the learning rate may be set per resolution (the one being trained or faded in).
/// </summary>
public sealed record GrowthSchedule
{
    /// <summary>Resolution training starts at (4 in Progressive GAN, 8 in StyleGAN).</summary>
    public int InitialResolution { get; init; } = 8;

    /// <summary>Thousand images each resolution trains alone (600 in both papers).</summary>
    public double TrainingKimg { get; init; } = 600;

    /// <summary>Thousand images each fade-in to the next resolution lasts (600 in both papers).</summary>
    public double TransitionKimg { get; init; } = 600;

    /// <summary>
    /// Minibatches run at one lod, minibatch size and learning rate before the schedule is read again (the original's
    /// minibatch_repeats, 4): the lod moves in steps of that many minibatches.
    /// </summary>
    public int MinibatchRepeats { get; init; } = 4;

    /// <summary>Minibatch size per resolution; resolutions not listed use TrainingOptions.Batch.</summary>
    public Dictionary<int, int> Batch { get; init; } = new();

    /// <summary>Learning rate per resolution; resolutions not listed use TrainingOptions.LearningRate.</summary>
    public Dictionary<int, double> LearningRate { get; init; } = new();

    /// <summary>The level of detail after <paramref name="kimg"/> thousand images at a final resolution (0: full; k: / 2^k; fractional: fading).</summary>
    /// <param name="kimg">Thousand images seen.</param>
    /// <param name="resolution">The final (dataset) resolution.</param>
    public double Lod(double kimg, int resolution)
    {
        double phase = TrainingKimg + TransitionKimg;
        double index = phase > 0 ? Math.Floor(kimg / phase) : 0;
        double lod = Configs.ChannelRule.Log2Resolution(resolution) - Math.Floor(Math.Log2(InitialResolution)) - index;
        if (TransitionKimg > 0) lod -= Math.Max(kimg - index * phase - TrainingKimg, 0) / TransitionKimg;
        return Math.Max(lod, 0);
    }

    /// <summary>Whether layers appear between two lods (the original then resets the optimizers' state).</summary>
    public static bool NewLayers(double previousLod, double lod) =>
        Math.Floor(previousLod) != Math.Floor(lod) || Math.Ceiling(previousLod) != Math.Ceiling(lod);

    /// <summary>Checks the schedule against a final resolution and the minibatch-stddev group, naming the first value out of range.</summary>
    public void Validate(int mbstdGroup)
    {
        if (!(InitialResolution >= 4 && InitialResolution <= Configs.NetworkLimits.MaxResolution && System.Numerics.BitOperations.IsPow2(InitialResolution)))
            throw new InvalidValueException("Growth.InitialResolution", $"the initial resolution {InitialResolution} is not a power of two in [4, {Configs.NetworkLimits.MaxResolution}].");
        TrainingOptions.Range("Growth.TrainingKimg", TrainingKimg, "training length per resolution (kimg)", 0, 1e9);
        TrainingOptions.Range("Growth.TransitionKimg", TransitionKimg, "fade-in length (kimg)", 0, 1e9);
        TrainingOptions.Range("Growth.MinibatchRepeats", MinibatchRepeats, "minibatches per schedule step", 1, 1_000_000);
        foreach (var (res, batch) in Batch)
            if (batch < 1 || batch > 4096 || batch % mbstdGroup != 0)
                throw new InvalidValueException("Growth.Batch", $"the minibatch size {batch} at {res}x{res} is outside [1, 4096] or not a multiple of the minibatch-stddev group size {mbstdGroup}.");
        foreach (var (res, lr) in LearningRate)
            if (!double.IsFinite(lr) || lr < 1e-12 || lr > 10)
                throw new InvalidValueException("Growth.LearningRate", $"the learning rate {lr} at {res}x{res} is outside [1e-12, 10].");
    }
}
