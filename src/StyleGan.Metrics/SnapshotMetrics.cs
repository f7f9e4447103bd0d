using StyleGan.Networks;
using StyleGan.Training;

namespace StyleGan.Metrics;

/// <summary>Metrics at a training run's snapshots, logged as NVIDIA's training loop logs them.</summary>
public static class SnapshotMetrics
{
    /// <summary>
    /// A scorer for <see cref="TrainingLoop"/> that appends each report to the run folder's metric-NAME.jsonl (with the
    /// snapshot's file name and kimg) and returns the results.
    /// </summary>
    /// <param name="evaluate">Scores a generator, e.g. with <see cref="MetricSuite.Evaluate"/>.</param>
    public static SnapshotScorer Logged(Func<Generator, IReadOnlyList<MetricReport>> evaluate) => (gEma, runFolder, snapshot, kimg) =>
    {
        var reports = evaluate(gEma);
        foreach (var report in reports) MetricLog.AppendToRun(runFolder, report, snapshot, kimg);
        return reports.SelectMany(report => report.Results).ToList();
    };
}
