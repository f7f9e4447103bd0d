using Spectre.Console;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Metrics;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Bench;

/// <summary>One editing workload's time: seconds per projection step or per interpolation frame.</summary>
public sealed record EditingResult(string Shape, string Workload, double SecondsPerUnit, string Unit);

/// <summary>Projection steps (pixel loss, and LPIPS with VGG16 at its published widths, random weights) and interpolation frames.</summary>
public static class EditingBench
{
    public static List<EditingResult> Run(IEnumerable<BenchShape> shapes, int batch)
    {
        var results = new List<EditingResult>();
        using var lpips = new Lpips(new Vgg16Features(Vgg16Features.StandardWidths));
        foreach (var shape in shapes)
        {
            using var generator = new Generator(shape.G);
            var sampler = new Sampler(generator, batchSize: batch);
            var target = sampler.GenerateSeeds([1]);
            foreach (var distance in new[] { ImageDistance.PixelMultiScale, lpips.ProjectionDistance() })
            {
                const int steps = 12, warmup = 2;
                var options = new ProjectorOptions { Steps = steps, WAvgSamples = 1000 };
                var watch = System.Diagnostics.Stopwatch.StartNew();
                int seen = 0;
                foreach (var step in Projector.Run(sampler, target, distance, options))
                {
                    step.Ws.Dispose();
                    step.Image.Dispose();
                    if (++seen == warmup) watch.Restart();
                }
                string loss = distance == ImageDistance.PixelMultiScale ? "pixel loss" : "LPIPS VGG16";
                results.Add(new EditingResult(shape.Name, $"projection step ({loss})", watch.Elapsed.TotalSeconds / (steps - warmup), "s/step"));
            }
            const int frames = 3 * 16 + 1;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var frame in Interpolation.Frames(sampler, [1, 2, 3, 4], InterpolationSpace.W, framesPerSeed: 16)) { }
            results.Add(new EditingResult(shape.Name, $"interpolation frame (W, batch {batch}, first batch measures the modconv paths)", clock.Elapsed.TotalSeconds / frames, "s/frame"));
        }
        return results;
    }

    public static Table Table(IEnumerable<EditingResult> results, int threads)
    {
        var table = new Table().Title($"Editing workloads ({threads} threads)");
        foreach (var column in new[] { "shape", "workload", "seconds", "per" }) table.AddColumn(column);
        foreach (var r in results) table.AddRow(r.Shape, Markup.Escape(r.Workload), $"{r.SecondsPerUnit:F4}", r.Unit);
        return table;
    }
}
