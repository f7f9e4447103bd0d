using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Random;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan generate</c>: images for seeds, as NVIDIA's generate.py draws them, or from saved ws.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var seeds = new Option<string>("--seeds") { Description = "Seeds, e.g. 0-63 or 1,5,9; seed s draws z = RandomState(s).randn(z_dim)", DefaultValueFactory = _ => "0-7" };
        var cutoff = new Option<int?>("--trunc-cutoff") { Description = "Truncate only the first N ws (coarse layers)" };
        var projectedW = new Option<string?>("--projected-w") { Description = "Synthesize from saved ws (.npz as NVIDIA's projector writes, or .safetensors) instead of seeds" };
        var direction = new Option<string?>("--direction") { Description = "FILE:K: move along direction K of a `stylegan directions` file" };
        var strength = new Option<double>("--strength") { Description = "How far to move along --direction (w units)", DefaultValueFactory = _ => 3 };
        var grid = new Option<bool>("--grid") { Description = "One grid PNG instead of one PNG per seed" };
        var command = options.Command("generate", "Generate images from a trained network.", seeds, cutoff, projectedW, direction, strength, grid);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!);
            string? wsFile = parse.GetValue(projectedW);
            if (wsFile is not null && parse.GetResult(seeds) is { Implicit: false })
                throw new UsageException("--projected-w and --seeds both name what to synthesize; give one.");
            var (directionFile, directionIndex) = ParseDirection(parse.GetValue(direction));
            double moveBy = parse.GetValue(strength);
            if (!double.IsFinite(moveBy) || Math.Abs(moveBy) > 1000) throw new UsageException($"--strength {moveBy} is not a number in [-1000, 1000].");

            // Every file this run writes is checked before the network is even read.
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            string gridFile = Path.Combine(folder, "grid.png");
            string SeedFile(uint seed) => Path.Combine(folder, $"seed{seed:D4}.png");
            // Only files already there can be in the way (those this run writes are its own); listing them needs no
            // memory per seed, however long the list.
            IEnumerable<string> inTheWay = parse.GetValue(grid) ? [gridFile]
                : wsFile is not null ? Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "proj*.png") : []
                : Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "seed*.png").Where(file => IsSeedFile(file, seedList)) : [];
            foreach (var file in inTheWay) rule.File(file);
            var directions = directionFile is null ? null : SemanticDirectionSet.Load(directionFile);

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            var noise = options.Noise(parse);
            Tensor Edit(Tensor ws) => directions is null ? ws : directions.Apply(ws, directionIndex, moveBy);

            if (wsFile is not null)
            {
                var saved = SavedWs.Load(wsFile, sampler.NumWs, sampler.Generator.Config.WDim);
                var images = sampler.Synthesize(Edit(saved), noise);
                if (parse.GetValue(grid)) ImageGrid.Save(gridFile, images);
                else for (int i = 0; i < images.shape[0]; i++) ImageGrid.Save(Path.Combine(folder, $"proj{i:D2}.png"), images.narrow(0, i, 1));
                Console.WriteLine($"Wrote {images.shape[0]} images from {wsFile} to {folder}.");
                return 0;
            }

            long side = sampler.Generator.Config.ImgResolution;
            if (parse.GetValue(grid) && seedList.Count * side * side > ImageFile.MaxPixels)
                throw new UsageException($"--grid of {seedList.Count} seeds at {side}x{side} would have more than the {ImageFile.MaxPixels:N0} pixels " +
                    "(8192x8192) of an image this tool writes; give fewer seeds, or leave out --grid to write one PNG per seed.");
            var truncation = options.Truncation(parse, parse.GetValue(cutoff));
            truncation.Check(sampler.NumWs);
            sampler.Labels(parse.GetValue(options.Class), 1); // refused before any work when wrong

            var parts = new List<Tensor>();
            ProgressBar.Run("generating", (int)Math.Min(int.MaxValue, seedList.Count), advance =>
            {
                foreach (var chunk in seedList.Batches(sampler.BatchSize))
                {
                    using var scope = NewDisposeScope();
                    var img = sampler.Synthesize(Edit(sampler.MapSeeds(chunk, parse.GetValue(options.Class), truncation)), noise);
                    if (parse.GetValue(grid)) parts.Add(img.MoveToOuterDisposeScope());
                    for (int i = 0; i < chunk.Count; i++)
                    {
                        if (!parse.GetValue(grid)) ImageGrid.Save(SeedFile(chunk[i]), img.narrow(0, i, 1));
                        advance(null);
                    }
                }
            });
            if (parse.GetValue(grid))
            {
                ImageGrid.Save(gridFile, cat(parts, 0));
                Console.WriteLine($"Wrote {gridFile} ({seedList.Count} seeds).");
            }
            else
            {
                Console.WriteLine($"Wrote {seedList.Count} images to {folder}.");
            }
            return 0;
        }));
        return command;
    }

    static (string? File, int Index) ParseDirection(string? text)
    {
        if (text is null) return (null, 0);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, null, out int index))
            throw new UsageException($"--direction '{text}' is not FILE:K, e.g. directions.safetensors:0 for the strongest direction.");
        return (text[..colon], index);
    }

    static bool IsSeedFile(string file, SeedList seeds) =>
        uint.TryParse(Path.GetFileNameWithoutExtension(file)["seed".Length..], System.Globalization.NumberStyles.None, null, out uint seed) && seeds.Contains(seed);
}
