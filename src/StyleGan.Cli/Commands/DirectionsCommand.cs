using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Random;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan directions</c>: semantic directions in W by closed-form factorization (SeFa).</summary>
public static class DirectionsCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var top = new Option<int>("--top") { Description = "How many directions to keep", DefaultValueFactory = _ => 10 }.Sets("Top");
        var layers = new Option<string>("--layers") { Description = "ws to factorize and apply to: all, coarse, middle, fine, or indices (0-3)", DefaultValueFactory = _ => "all" }.Sets("Layers");
        var seeds = new Option<string>("--seeds") { Description = "Seeds shown moving along the directions", DefaultValueFactory = _ => "0-3" }.Sets("Seeds");
        var strength = new Option<double>("--strength") { Description = "The figure moves from -S to S along each direction", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Images per direction in the figure", DefaultValueFactory = _ => 5 }.Sets("Steps");
        var command = options.Command("directions", "Semantic directions (SeFa): eigenvectors of the style weights, and a figure of seeds moved along them.",
            top, layers, seeds, strength, steps);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!).ToList();
            int stepCount = parse.GetValue(steps);
            if (stepCount is < 2 or > 33) throw new UsageException($"--steps {stepCount} is outside [2, 33].");
            double s = parse.GetValue(strength);
            if (!double.IsFinite(s) || s <= 0 || s > 1000) throw new UsageException($"--strength {s} is not a number in (0, 1000].");
            if (seedList.Count > 64) throw new UsageException($"--seeds lists {seedList.Count} seeds; the figure shows at most 64.");
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            string file = rule.File(Path.Combine(folder, "directions.safetensors"));
            var figures = seedList.Select(seed => rule.File(Path.Combine(folder, $"seed{seed:D4}-directions.png"))).ToList();

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            string layerText = parse.GetValue(layers)!;
            var chosen = layerText.Trim() == "all" ? Enumerable.Range(0, sampler.NumWs).ToList() : LayerRange.Parse(layerText, sampler.NumWs, "Layers");
            var set = SemanticDirections.Find(sampler, chosen, parse.GetValue(top));
            set.Save(file);
            var values = set.Eigenvalues.data<float>().ToArray();
            Console.WriteLine($"Wrote {file}: {values.Length} directions of ws {string.Join(",", chosen)}; eigenvalues {string.Join(", ", values.Select(v => v.ToString("G4")))}.");

            var offsets = Enumerable.Range(0, stepCount).Select(i => -s + 2 * s * i / (stepCount - 1)).ToList();
            ProgressBar.Run("direction figures", seedList.Count, advance =>
            {
                for (int i = 0; i < seedList.Count; i++)
                {
                    using var scope = NewDisposeScope();
                    var ws = sampler.MapSeeds([seedList[i]], parse.GetValue(options.Class), options.Truncation(parse));
                    var moved = cat(Enumerable.Range(0, values.Length).SelectMany(k => offsets.Select(offset => set.Apply(ws, k, offset))).ToList(), 0);
                    ImageGrid.Save(figures[i], sampler.Synthesize(moved, options.Noise(parse)), columns: stepCount);
                    advance($"seed {seedList[i]}");
                }
            });
            Console.WriteLine($"Wrote {figures.Count} figures (one row per direction, {offsets[0]:G3} to {offsets[^1]:G3} across) to {folder}.");
            return 0;
        }));
        return command;
    }
}
