using Spectre.Console;
using StyleGan.Augment;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Bench;

/// <summary>What one augmentation pipeline costs at one network shape: alone, per image, and inside the training step.</summary>
/// <param name="Shape">The bench shape or preset.</param>
/// <param name="Pipeline">The --augpipe preset, at p = 0.5.</param>
/// <param name="Batch">Images per minibatch.</param>
/// <param name="PipelineSeconds">One forward pass of the pipeline over a minibatch.</param>
/// <param name="SecondsPerKimg">Training without augmentation (every phase of the schedule, lazy ones amortized).</param>
/// <param name="AugmentedSecondsPerKimg">The same training with the pipeline before every D call.</param>
public sealed record AugmentResult(string Shape, string Pipeline, int Batch, double PipelineSeconds, double SecondsPerKimg, double AugmentedSecondsPerKimg)
{
    public double MillisecondsPerImage => PipelineSeconds * 1000 / Batch;
    public double TrainingOverhead => AugmentedSecondsPerKimg / SecondsPerKimg - 1;
}

public static class AugmentBench
{
    static readonly string[] Pipelines = ["bgc", "bgcfnc"];

    /// <summary>
    /// cpu-tiny on the bundled MNIST's shape (32x32x1, batch 32, the experiment's preset) and the bench shapes'
    /// sizes (32x32x3 and 64x64x3 at cifar32's and small64's channels, batch <paramref name="batch"/>), trained with
    /// the full StyleGAN2 schedule (R1 every 16, path length every 4) without augmentation and with each pipeline.
    /// </summary>
    /// <param name="shapes">Which of cpu-tiny, cifar32 and small64 to measure (null: all).</param>
    public static List<AugmentResult> Run(int batch, int warmup, int iters, IReadOnlySet<string>? shapes = null)
    {
        var setups = new (string Key, string Name, TrainingOptions Options, int Resolution, int Channels)[]
        {
            ("cpu-tiny", "cpu-tiny 32x32x1", Presets.Get("cpu-tiny", 32), 32, 1),
            ("cifar32", "cifar32 (32x32x3)", Presets.Get("cpu-tiny", 32) with { Batch = batch, ChannelBase = 16384, ChannelMax = 512, ZDim = 512 }, 32, 3),
            ("small64", "small64 (64x64x3)", Presets.Get("cpu-tiny", 64) with { Batch = batch, ChannelBase = 4096, ChannelMax = 128, ZDim = 128 }, 64, 3),
        };
        var results = new List<AugmentResult>();
        foreach (var (_, name, options, resolution, channels) in setups.Where(s => shapes is null || shapes.Contains(s.Key)))
        {
            // Timed before and after the augmented runs, the faster kept: the first timings of a process run cold.
            double Plain()
            {
                using var run = new TrainingRunState(options with { Augment = AugmentMode.Noaug }, resolution, channels, 0, "random", CPU);
                return PresetBench.Phases(run, options.Batch, warmup, iters).SecondsPerKimg;
            }
            double plain = Plain();
            var rows = new List<AugmentResult>();
            foreach (var pipeline in Pipelines)
            {
                var augmented = options with { Augment = AugmentMode.Fixed, AugmentP = 0.5, AugmentPipe = AugmentPresets.Get(pipeline) };
                using var run = new TrainingRunState(augmented, resolution, channels, 0, "random", CPU);
                var images = rand(options.Batch, channels, resolution, resolution) * 2 - 1;
                var random = new GeneratorRandom(new torch.Generator(1));
                double pipe = Measure.Seconds(warmup, iters, () =>
                {
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    run.Augment!.forward(images, random);
                });
                rows.Add(new AugmentResult(name, pipeline, options.Batch, pipe, plain, PresetBench.Phases(run, options.Batch, warmup, iters).SecondsPerKimg));
            }
            plain = Math.Min(plain, Plain());
            results.AddRange(rows.Select(r => r with { SecondsPerKimg = plain }));
        }
        return results;
    }

    public static Table Table(IEnumerable<AugmentResult> results, int threads)
    {
        var table = new Table().Title($"Augmentation (p = 0.5), {threads} threads: the pipeline alone and inside training (R1 every 16, path length every 4)");
        foreach (var column in new[] { "shape", "pipeline", "batch", "pipeline s/batch", "ms/image", "sec/kimg noaug", "sec/kimg augmented", "training overhead" })
            table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(r.Shape, r.Pipeline, r.Batch.ToString(), $"{r.PipelineSeconds:F3}", $"{r.MillisecondsPerImage:F2}", $"{r.SecondsPerKimg:F1}",
                $"{r.AugmentedSecondsPerKimg:F1}", $"{100 * r.TrainingOverhead:F0}%");
        return table;
    }
}
