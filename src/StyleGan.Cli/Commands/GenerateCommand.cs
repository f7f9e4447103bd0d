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
        var seeds = new Option<string>("--seeds") { Description = "Seeds, e.g. 0-63 or 1,5,9; seed s draws z = RandomState(s).randn(z_dim)", DefaultValueFactory = _ => "0-7" }.Sets("Seeds");
        var cutoff = new Option<int?>("--trunc-cutoff") { Description = "Truncate only the first N ws (coarse layers)" }.Sets("TruncationCutoff");
        var projectedW = new Option<string?>("--projected-w") { Description = "Synthesize from saved ws (.npz as NVIDIA's projector writes, or .safetensors) instead of seeds" }.Sets("ProjectedW");
        var position = new Option<string?>("--position") { Description = "X,Y: one image at a point of the visualizer's seed plane (seed x + 100 y; between integers the four neighbouring seeds' ws blend), instead of --seeds" }.Sets("PositionX", "PositionY");
        var mixSeed = new Option<uint?>("--mix-seed") { Description = "Style mixing: take the --mix-styles layers from this seed's ws" };
        var mixStyles = new Option<string?>("--mix-styles") { Description = "The ws layers --mix-seed replaces: coarse, middle, fine or indices like 0-3,6" }.Sets("MixStyles");
        var direction = new Option<string[]>("--direction") { Description = "FILE:K or FILE:K=S: move along direction K of a `stylegan directions` file (by S, or --strength); repeatable", AllowMultipleArgumentsPerToken = false }.Sets("Direction");
        var strength = new Option<double>("--strength") { Description = "How far to move along a --direction without =S (w units)", DefaultValueFactory = _ => 3 };
        var noiseSeed = new Option<ulong>("--noise-seed") { Description = "Seed of the noise for --noise-mode random" };
        var grid = new Option<bool>("--grid") { Description = "One grid PNG instead of one PNG per seed" };
        var translate = new Option<string?>("--translate") { Description = "X,Y: translate a StyleGAN3 image (in image sizes, as gen_images.py)" }.Sets("Translate");
        var rotate = new Option<double?>("--rotate") { Description = "Rotate a StyleGAN3 image by this many degrees (as gen_images.py)" };
        var command = options.Command("generate", "Generate images from a trained network.", seeds, position, cutoff, projectedW, mixSeed, mixStyles, direction, strength, noiseSeed, grid,
            translate, rotate);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!);
            string? wsFile = parse.GetValue(projectedW);
            var point = ParsePosition(parse.GetValue(position));
            int sources = (parse.GetResult(seeds) is { Implicit: false } ? 1 : 0) + (wsFile is null ? 0 : 1) + (point is null ? 0 : 1);
            if (sources > 1) throw new UsageException("--seeds, --position and --projected-w each name what to synthesize; give one.");
            if (point is not null && parse.GetValue(grid)) throw new UsageException("--position makes one image; leave out --grid.");
            double moveBy = parse.GetValue(strength);
            if (!double.IsFinite(moveBy) || Math.Abs(moveBy) > 1000) throw new UsageException($"--strength {moveBy} is not a number in [-1000, 1000].");
            var (directionFile, moves) = ParseDirections(parse.GetValue(direction) ?? [], moveBy);
            if ((parse.GetValue(mixSeed) is null) != (parse.GetValue(mixStyles) is null))
                throw new UsageException("--mix-seed and --mix-styles go together: the seed the layers come from, and which layers.");

            // Every file this run writes is checked before the network is even read.
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            string gridFile = Path.Combine(folder, "grid.png");
            string SeedFile(uint seed) => Path.Combine(folder, $"seed{seed:D4}.png");
            string? pointFile = point is var (px, py) ? Path.Combine(folder, PositionFileName(px, py)) : null;
            // Only files already there can be in the way (those this run writes are its own); listing them needs no
            // memory per seed, however long the list.
            IEnumerable<string> inTheWay = parse.GetValue(grid) ? [gridFile]
                : pointFile is not null ? [pointFile]
                : wsFile is not null ? Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "proj*.png") : []
                : Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "seed*.png").Where(file => IsSeedFile(file, seedList)) : [];
            foreach (var file in inTheWay) rule.File(file);
            var directions = directionFile is null ? null : SemanticDirectionSet.Load(directionFile);

            var (tx, ty) = parse.GetValue(translate) is string shift ? ParsePair(shift, "--translate", "0.1,-0.2") : (0.0, 0.0);
            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            if (parse.GetValue(translate) is not null || parse.GetValue(rotate) is not null)
                InputTransform.Apply(sampler.Generator, tx, ty, parse.GetValue(rotate) ?? 0);
            var noise = options.Noise(parse, parse.GetValue(noiseSeed));
            int? classIndex = parse.GetValue(options.Class);
            var truncation = options.Truncation(parse, parse.GetValue(cutoff));
            truncation.Check(sampler.NumWs);
            var mixLayers = parse.GetValue(mixStyles) is string styles ? LayerRange.Parse(styles, sampler.NumWs, "MixStyles") : [];
            var edits = new WsEdits(parse.GetValue(mixSeed), mixLayers, moves);
            Tensor Edit(Tensor ws) => edits.Apply(ws, sampler, classIndex, truncation, directions);

            if (wsFile is not null)
            {
                var saved = SavedWs.Load(wsFile, sampler.NumWs, sampler.Generator.Config.WDim);
                var images = sampler.Synthesize(Edit(saved), noise);
                if (parse.GetValue(grid)) ImageGrid.Save(gridFile, images);
                else for (int i = 0; i < images.shape[0]; i++) ImageGrid.Save(Path.Combine(folder, $"proj{i:D2}.png"), images.narrow(0, i, 1));
                Console.WriteLine($"Wrote {images.shape[0]} images from {wsFile} to {folder}.");
                return 0;
            }

            if (point is var (x, y))
            {
                sampler.Labels(classIndex, 1);
                ImageGrid.Save(pointFile!, sampler.Synthesize(Edit(SeedPlane.Ws(sampler, x, y, classIndex, truncation)), noise));
                Console.WriteLine($"Wrote {pointFile}.");
                return 0;
            }

            long side = sampler.Generator.Config.ImgResolution;
            if (parse.GetValue(grid) && seedList.Count * side * side > ImageFile.MaxPixels)
                throw new UsageException($"--grid of {seedList.Count} seeds at {side}x{side} would have more than the {ImageFile.MaxPixels:N0} pixels " +
                    "(8192x8192) of an image this tool writes; give fewer seeds, or leave out --grid to write one PNG per seed.");
            sampler.Labels(classIndex, 1); // refused before any work when wrong

            var parts = new List<Tensor>();
            ProgressBar.Run("generating", (int)Math.Min(int.MaxValue, seedList.Count), advance =>
            {
                foreach (var chunk in seedList.Batches(sampler.BatchSize))
                {
                    using var scope = NewDisposeScope();
                    var img = sampler.Synthesize(Edit(sampler.MapSeeds(chunk, classIndex, truncation)), noise);
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

    // Every --direction names one file; each gives its own strength or takes --strength.
    static (string? File, IReadOnlyList<DirectionMove> Moves) ParseDirections(IReadOnlyList<string> texts, double defaultStrength)
    {
        string? file = null;
        var moves = new List<DirectionMove>();
        foreach (string text in texts)
        {
            int equals = text.LastIndexOf('=');
            double moveBy = defaultStrength;
            string target = text;
            if (equals > 0)
            {
                if (!double.TryParse(text[(equals + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out moveBy)
                    || !double.IsFinite(moveBy) || Math.Abs(moveBy) > 1000)
                    throw new UsageException($"--direction '{text}': the strength after '=' is not a number in [-1000, 1000].");
                target = text[..equals];
            }
            int colon = target.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(target[(colon + 1)..], System.Globalization.NumberStyles.None, null, out int index))
                throw new UsageException($"--direction '{text}' is not FILE:K or FILE:K=S, e.g. directions.safetensors:0 for the strongest direction.");
            if (file is not null && file != target[..colon])
                throw new UsageException($"--direction '{text}' names another file than {file}; every direction comes from one `stylegan directions` file.");
            file = target[..colon];
            moves.Add(new DirectionMove(index, moveBy));
        }
        return (file, moves);
    }

    static (double X, double Y)? ParsePosition(string? text)
    {
        if (text is null) return null;
        var (x, y) = ParsePair(text, "--position", "3.25,0.5");
        SeedPlane.Check(x, y);
        return (x, y);
    }

    // X,Y as two invariant-culture numbers, or a refusal naming the flag.
    static (double X, double Y) ParsePair(string text, string flag, string example)
    {
        var parts = text.Split(',');
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length != 2 || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, culture, out double x)
            || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, culture, out double y))
            throw new UsageException($"{flag} '{text}' is not X,Y, e.g. {example}.");
        return (x, y);
    }

    /// <summary>The file <c>--position X,Y</c> writes, e.g. pos3.25_0.5.png.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    public static string PositionFileName(double x, double y) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"pos{x:R}_{y:R}.png");

    static bool IsSeedFile(string file, SeedList seeds) =>
        uint.TryParse(Path.GetFileNameWithoutExtension(file)["seed".Length..], System.Globalization.NumberStyles.None, null, out uint seed) && seeds.Contains(seed);
}
