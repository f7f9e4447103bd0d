namespace StyleGan.Augment;

/// <summary>How D's inputs are augmented, as train.py's --aug.</summary>
public enum AugmentMode
{
    /// <summary>Adaptive: p follows the overfitting heuristic r_t towards its target (the default for new runs).</summary>
    Ada,

    /// <summary>A fixed probability p.</summary>
    Fixed,

    /// <summary>No augmentation.</summary>
    Noaug,
}
