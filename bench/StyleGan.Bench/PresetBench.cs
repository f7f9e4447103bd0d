using Spectre.Console;
using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.Bench;

/// <summary>
/// Seconds per kimg of each training preset on 32x32 grayscale images (the bundled MNIST's shape); a growing preset
/// (the 2019 family) at each resolution it trains at, with that resolution's minibatch.
/// </summary>
public sealed record PresetResult(string Preset, int Resolution, int Batch, int ChannelBase, int ChannelMax, IReadOnlyDictionary<string, double> SecondsPerPhase, double SecondsPerKimg);

public static class PresetBench
{
    /// <summary>
    /// Times each phase of the training schedule on its own (median of <paramref name="iters"/> after warm-up) and
    /// amortizes the lazy ones by their interval: sec/kimg = 1000 / batch * sum(phase seconds / interval). Data
    /// loading and the G_ema update are left out (a few percent at these sizes).
    /// </summary>
    public static List<PresetResult> Run(IEnumerable<string> names, int warmup, int iters)
    {
        const int resolution = 32, channels = 1;
        var results = new List<PresetResult>();
        foreach (var name in names)
        {
            var options = Presets.Get(name, resolution);
            using var run = new TrainingRunState(options, resolution, channels, 0, "random", CPU);
            var lods = options.Growth is null ? [0] : Enumerable.Range(0, (int)run.Lod + 1).Reverse().ToArray();
            foreach (var lod in lods)
            {
                int batch = options.Batch, trained = resolution;
                if (options.Growth is not null)
                {
                    run.SetLod(lod);
                    trained = Networks.LevelOfDetail.ActiveResolution(resolution, lod);
                    batch = options.BatchAt(trained);
                }
                var (seconds, secondsPerKimg) = Phases(run, batch, warmup, iters);
                results.Add(new PresetResult(name, trained, batch, options.ChannelBase, options.ChannelMax, seconds, secondsPerKimg));
            }
        }
        return results;
    }

    /// <summary>Each phase of a run's schedule timed on random reals of the run's size, and the seconds per kimg they amount to.</summary>
    public static (Dictionary<string, double> SecondsPerPhase, double SecondsPerKimg) Phases(TrainingRunState run, int batch, int warmup, int iters)
    {
        var g = run.G.Config;
        var reals = rand(batch, g.ImgChannels, g.ImgResolution, g.ImgResolution) * 2 - 1;
        var seconds = new Dictionary<string, double>();
        double perBatch = 0;
        foreach (var phase in run.Phases)
        {
            double t = Measure.Seconds(warmup, iters, () =>
            {
                using var scope = NewDisposeScope();
                phase.Run(run.Loss, reals, null, randn(batch, run.Options.ZDim), null, curNimg: 0);
            });
            seconds[phase.Phase.ToString()] = t;
            perBatch += t / phase.Interval;
        }
        return (seconds, perBatch * 1000 / batch);
    }

    public static Table Table(IEnumerable<PresetResult> results, int threads)
    {
        var table = new Table().Title($"Training presets at 32x32x1, {threads} threads: seconds per phase and per kimg (lazy phases amortized)");
        foreach (var column in new[] { "preset", "trained at", "batch", "cbase/cmax", "phases (s)", "sec/kimg" }) table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(r.Preset, $"{r.Resolution}x{r.Resolution}", r.Batch.ToString(), $"{r.ChannelBase}/{r.ChannelMax}",
                string.Join(", ", r.SecondsPerPhase.Select(kv => $"{kv.Key} {kv.Value:F2}")), $"{r.SecondsPerKimg:F1}");
        return table;
    }
}
