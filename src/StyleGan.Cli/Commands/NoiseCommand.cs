using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Images;
using StyleGan.Random;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan noise</c>: the stochastic-variation figures (StyleGAN paper, figures 4 and 5).</summary>
public static class NoiseCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var seeds = new Option<string>("--seeds") { Description = "One figure per seed", DefaultValueFactory = _ => "0-3" }.Sets("Seeds");
        var samples = new Option<int>("--samples") { Description = "Noise draws shown per seed", DefaultValueFactory = _ => 8 }.Sets("Samples");
        var draws = new Option<int>("--draws") { Description = "Noise draws the standard deviation is taken over", DefaultValueFactory = _ => 100 }.Sets("Draws");
        var noiseSeed = new Option<ulong>("--noise-seed") { Description = "Seeds the noise draws", DefaultValueFactory = _ => 0 };
        var command = options.Command("noise", "Stochastic variation: one w under many noise draws, their per-pixel standard deviation, and noise by layer range.",
            seeds, samples, draws, noiseSeed);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!).ToList();
            if (seedList.Count > 1000) throw new UsageException($"--seeds lists {seedList.Count} seeds; one figure each is at most 1000.");
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            foreach (uint seed in seedList)
                foreach (var name in new[] { "samples", "std", "crops", "layers" }) rule.File(Path.Combine(folder, $"seed{seed:D4}-{name}.png"));

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            var notes = new List<string>();
            ProgressBar.Run("noise figures", seedList.Count, advance =>
            {
                foreach (uint seed in seedList)
                {
                    using var scope = NewDisposeScope();
                    var figure = StochasticVariation.Run(sampler, seed, parse.GetValue(samples), parse.GetValue(draws), parse.GetValue(noiseSeed),
                        parse.GetValue(options.Class), options.Truncation(parse));
                    string Name(string part) => Path.Combine(folder, $"seed{seed:D4}-{part}.png");
                    ImageGrid.Save(Name("samples"), figure.Samples, columns: (int)figure.Samples.shape[0]);
                    ImageGrid.Save(Name("std"), figure.StdMap);
                    ImageGrid.Save(Name("crops"), Crops(figure.Samples), columns: (int)figure.Samples.shape[0]);
                    ImageGrid.Save(Name("layers"), figure.ByLayers, columns: 4);
                    notes.Add($"seed {seed}: largest per-pixel std {figure.MaxStd:F4} over {parse.GetValue(draws)} draws; " +
                        $"layers panel: all, none, fine (above {figure.CoarseUpTo}x{figure.CoarseUpTo}), coarse.");
                    advance($"seed {seed}");
                }
            });
            foreach (var note in notes) Console.WriteLine(note);
            Console.WriteLine($"Wrote {seedList.Count * 4} figures to {folder}.");
            return 0;
        }));
        return command;
    }

    // The centre quarter of each sample, magnified 4x by nearest neighbour, where the paper's crops show detail.
    static Tensor Crops(Tensor samples)
    {
        long side = samples.shape[2], quarter = Math.Max(1, side / 4);
        var centre = samples.narrow(2, (side - quarter) / 2, quarter).narrow(3, (samples.shape[3] - quarter) / 2, quarter);
        return centre.repeat_interleave(4, 2).repeat_interleave(4, 3);
    }
}
