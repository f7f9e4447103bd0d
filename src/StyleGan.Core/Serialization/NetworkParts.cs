namespace StyleGan.Serialization;

/// <summary>Which parts of a network file to load: a command that only generates needs neither D nor the training state.</summary>
[Flags]
public enum NetworkParts
{
    /// <summary>The trained generator.</summary>
    G = 1,

    /// <summary>The discriminator.</summary>
    D = 2,

    /// <summary>The moving average of G.</summary>
    GEma = 4,

    /// <summary>A checkpoint's optimizer, loss and random states.</summary>
    TrainingState = 8,

    /// <summary>The generator to sample from: G_ema, or G where the file has no G_ema.</summary>
    Sampler = 16,

    /// <summary>Everything the file holds.</summary>
    All = G | D | GEma | TrainingState,
}
