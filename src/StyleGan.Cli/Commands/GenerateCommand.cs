using System.CommandLine;
using StyleGan.Files;
using StyleGan.Images;
using StyleGan.Layers;
using StyleGan.Random;
using StyleGan.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan generate</c>: images for seeds, as NVIDIA's generate.py draws them.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var network = new Option<string>("--network") { Description = "Network: our .safetensors, an NVIDIA StyleGAN2-ADA .pkl or a rosinality .pt (G_ema is used)", Required = true };
        var seeds = new Option<string>("--seeds") { Description = "Seeds, e.g. 0-63 or 1,5,9; seed s draws z = RandomState(s).randn(z_dim)", DefaultValueFactory = _ => "0-7" };
        var trunc = new Option<double>("--trunc") { Description = "Truncation psi (1: none)", DefaultValueFactory = _ => 1 };
        var cutoff = new Option<int?>("--trunc-cutoff") { Description = "Truncate only the first N ws (coarse layers)" };
        var classIndex = new Option<int?>("--class") { Description = "Class label for a conditional network" };
        var noiseMode = new Option<string>("--noise-mode") { Description = "const, random or none", DefaultValueFactory = _ => "const" };
        var outdir = new Option<string>("--outdir") { Description = "Where to write the PNGs", Required = true };
        var grid = new Option<bool>("--grid") { Description = "One grid PNG instead of one PNG per seed" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 16 };
        var force = new Option<bool>("--force") { Description = "Replace PNGs of the same names in --outdir" };
        var modconv = CommonOptions.Modconv();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("generate", "Generate images from a trained network.")
        {
            network, seeds, trunc, cutoff, classIndex, noiseMode, outdir, grid, batch, force, modconv, threads, device,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            CommonOptions.ApplyModconv(parse.GetValue(modconv)!);
            var seedList = SeedList.Parse(parse.GetValue(seeds)!);
            var mode = parse.GetValue(noiseMode) switch
            {
                "const" => NoiseMode.Const,
                "random" => NoiseMode.Random,
                "none" => NoiseMode.None,
                var other => throw new UsageException($"--noise-mode '{other}' is not one of const, random, none."),
            };
            // Every file this run writes is checked before the network is even read.
            var rule = new OutputRule("--outdir", parse.GetValue(force), parse.GetValue(network));
            string folder = rule.Folder(parse.GetValue(outdir)!);
            string gridFile = Path.Combine(folder, "grid.png");
            string SeedFile(uint seed) => Path.Combine(folder, $"seed{seed:D4}.png");
            // Only files already there can be in the way (those this run writes are its own); listing them needs no
            // memory per seed, however long the list.
            IEnumerable<string> inTheWay = parse.GetValue(grid) ? [gridFile]
                : Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "seed*.png").Where(file => IsSeedFile(file, seedList)) : [];
            foreach (var file in inTheWay) rule.File(file);
            int perBatch = parse.GetValue(batch);
            if (perBatch is < 1 or > 1024) throw new UsageException($"--batch {perBatch} is outside [1, 1024].");

            using var networks = NetworkFile.Load(parse.GetValue(network)!, NetworkParts.Sampler);
            NetworkReport.Print(networks);
            NetworkReport.PrintSampler(networks);
            var generator = networks.Sampler;
            generator.to(dev);
            var labels = ClassLabel(generator.Config.CDim, parse.GetValue(classIndex));
            long side = generator.Config.ImgResolution;
            if (parse.GetValue(grid) && seedList.Count * side * side > ImageFile.MaxPixels)
                throw new UsageException($"--grid of {seedList.Count} seeds at {side}x{side} would have more than the {ImageFile.MaxPixels:N0} pixels " +
                    "(8192x8192) of an image this tool writes; give fewer seeds, or leave out --grid to write one PNG per seed.");

            var images = new List<Tensor>();
            foreach (var chunk in seedList.Batches(perBatch))
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var z = SeedLatents.LatentsForSeeds(chunk, generator.Config.ZDim, dev);
                var c = labels?.to(dev).expand(chunk.Count, -1);
                var img = generator.forward(z, c, parse.GetValue(trunc), parse.GetValue(cutoff), mode).cpu();
                if (parse.GetValue(grid)) { images.Add(img.MoveToOuterDisposeScope()); continue; }
                for (int i = 0; i < chunk.Count; i++)
                    ImageGrid.Save(SeedFile(chunk[i]), img.narrow(0, i, 1));
            }
            if (parse.GetValue(grid))
            {
                ImageGrid.Save(gridFile, cat(images, 0));
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

    static bool IsSeedFile(string file, SeedList seeds) =>
        uint.TryParse(Path.GetFileNameWithoutExtension(file)["seed".Length..], System.Globalization.NumberStyles.None, null, out uint seed) && seeds.Contains(seed);

    static Tensor? ClassLabel(int labelDim, int? classIndex)
    {
        if (labelDim == 0)
        {
            if (classIndex is not null) throw new UsageException("--class was given but the network is unconditional.");
            return null;
        }
        if (classIndex is not int k || k < 0 || k >= labelDim)
            throw new UsageException($"The network is conditional: give --class between 0 and {labelDim - 1}.");
        return nn.functional.one_hot(tensor(new long[] { k }), labelDim).to(float32);
    }
}
