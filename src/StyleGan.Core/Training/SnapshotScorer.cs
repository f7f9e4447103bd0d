using StyleGan.Networks;

namespace StyleGan.Training;

/// <summary>
/// Scores G_ema at a snapshot and keeps its own record of the scores (the metrics write metric-NAME.jsonl in the run
/// folder); returns each result by name, in order, for TensorBoard (Metrics/NAME) and the progress line.
/// </summary>
/// <param name="gEma">The generator to score.</param>
/// <param name="runFolder">The run folder.</param>
/// <param name="snapshot">The checkpoint just written (its file name).</param>
/// <param name="kimg">Where training stands.</param>
public delegate IReadOnlyList<KeyValuePair<string, double>> SnapshotScorer(Generator gEma, string runFolder, string snapshot, double kimg);
