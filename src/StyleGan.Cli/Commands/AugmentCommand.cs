using System.CommandLine;
using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Images;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan augment</c>: a grid of real images as D sees them under an augmentation pipeline.</summary>
public static class AugmentCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Dataset folder or zip (default: the bundled MNIST digits)" };
        var pipeline = new Option<string>("--augpipe") { Description = $"Pipeline: {string.Join(", ", AugmentPresets.Names)}", DefaultValueFactory = _ => AugmentPresets.Default };
        var p = new Option<double>("--p") { Description = "Augmentation probability", DefaultValueFactory = _ => 0.5 };
        var images = new Option<int>("--num") { Description = "Rows: the dataset's first this many images", DefaultValueFactory = _ => 8 }.Sets("ImageCount");
        var draws = new Option<int>("--draws") { Description = "Augmented copies per image, beside the original", DefaultValueFactory = _ => 8 }.Sets("Draws");
        var seed = new Option<ulong>("--seed") { Description = "Seeds the augmentation's draws", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "The grid (PNG)", DefaultValueFactory = _ => "augment.png" }.Sets("AnimationPath");
        var force = new Option<bool>("--force") { Description = "Replace an existing --out" }.Sets("Force");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("augment", "Show real images as D sees them: each beside augmentations drawn by a pipeline at probability p.")
        {
            data, pipeline, p, images, draws, seed, output, force, threads, device,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            if (parse.GetValue(p) is var probability && (!double.IsFinite(probability) || probability < 0 || probability > 1))
                throw new UsageException($"--p {probability}: the augmentation probability is between 0 and 1.");
            if (parse.GetValue(images) is < 1 or > 1000) throw new UsageException($"--num {parse.GetValue(images)}: show 1 to 1000 images.");
            if (parse.GetValue(draws) is < 1 or > 100) throw new UsageException($"--draws {parse.GetValue(draws)}: show 1 to 100 draws per image.");
            var config = AugmentPresets.Get(parse.GetValue(pipeline)!);
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            string file = new OutputRule("--out", parse.GetValue(force), parse.GetValue(data)).File(parse.GetValue(output)!);
            using var dataset = ImageDataset.Open(parse.GetValue(data) ?? BundledData.Mnist);
            config.CheckResolution(dataset.Resolution);
            using var grid = AugmentationSamples.Make(dataset, config, probability, parse.GetValue(images), parse.GetValue(draws), parse.GetValue(seed), dev);
            ImageGrid.Save(file, grid, columns: parse.GetValue(draws) + 1);
            Console.WriteLine($"Wrote {file}: {grid.shape[0] / (parse.GetValue(draws) + 1)} images of {dataset.Path}, each followed by {parse.GetValue(draws)} draws of {parse.GetValue(pipeline)} at p = {probability}.");
            return 0;
        }));
        return command;
    }
}
