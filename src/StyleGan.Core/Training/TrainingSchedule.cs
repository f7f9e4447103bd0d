namespace StyleGan.Training;

/// <summary>The options a resumed run may change: how long it trains and how often it reports and saves.</summary>
/// <param name="TotalKimg">Train until this many thousand real images (null: as saved).</param>
/// <param name="TickKimg">Progress and log every this many kimg (null: as saved).</param>
/// <param name="SnapKimg">Checkpoint and sample grid every this many kimg (null: as saved).</param>
/// <param name="KeepSnapshots">Keep the newest this many checkpoints, 0 for all (null: as saved).</param>
public sealed record TrainingSchedule(double? TotalKimg = null, double? TickKimg = null, double? SnapKimg = null, int? KeepSnapshots = null)
{
    public TrainingOptions ApplyTo(TrainingOptions saved) => saved with
    {
        TotalKimg = TotalKimg ?? saved.TotalKimg,
        TickKimg = TickKimg ?? saved.TickKimg,
        SnapKimg = SnapKimg ?? saved.SnapKimg,
        KeepSnapshots = KeepSnapshots ?? saved.KeepSnapshots,
    };
}
