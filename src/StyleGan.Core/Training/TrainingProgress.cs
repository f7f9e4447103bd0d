namespace StyleGan.Training;

/// <summary>What the loop reports after each minibatch, for a progress display.</summary>
/// <param name="Kimg">Thousands of real images shown so far.</param>
/// <param name="TotalKimg">Where the run stops.</param>
/// <param name="SecondsPerKimg">Speed over the last tick (NaN before the first).</param>
/// <param name="Losses">Mean loss terms of the current tick.</param>
/// <param name="Event">A line worth printing (tick summary, snapshot written), or null.</param>
/// <param name="AugmentP">The augmentation probability p, or null when the run does not augment.</param>
public sealed record TrainingProgress(double Kimg, double TotalKimg, double SecondsPerKimg, IReadOnlyDictionary<string, double> Losses, string? Event,
    double? AugmentP = null);

/// <summary>How a run ended.</summary>
public enum TrainingOutcome { Finished, Interrupted }

/// <summary>A loss became NaN or infinite: training stops, the last good checkpoint stays.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
