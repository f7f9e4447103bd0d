using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan project</c>: find the w (or w+) whose image is a target image, NVIDIA's projector.py recipe.</summary>
public static class ProjectCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var target = new Option<string>("--target") { Description = "The image to project (any size: centre-cropped and resized to the network's)", Required = true }.Sets("Target");
        var steps = new Option<int>("--steps") { Description = "Optimization steps", DefaultValueFactory = _ => 1000 }.Sets("Steps");
        var seed = new Option<ulong>("--seed") { Description = "Seeds the noise buffers' start and the w noise", DefaultValueFactory = _ => 303 };
        var wPlus = new Option<bool>("--w-plus") { Description = "Optimize one w per layer (W+) instead of one w" };
        var saveVideo = new Option<bool>("--save-video") { Description = "Also write the optimization as a video, target beside each step's image" };
        var videoFormat = new Option<string>("--video-format") { Description = "mp4 (needs ffmpeg), webp or gif", DefaultValueFactory = _ => "mp4" };
        var vgg = new Option<string?>("--vgg") { Description = "torchvision's vgg16-397923af.pth for the LPIPS loss (default: in $STYLEGAN_CACHE); without it a pixel loss runs" }.Sets(Metrics.Lpips.VggSetting);
        var command = options.Command("project", "Project an image into W (NVIDIA's projector.py): target.png, proj.png, projected_w.npz and .safetensors.",
            target, steps, seed, wPlus, saveVideo, videoFormat, vgg);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            string Out(string name) => Path.Combine(folder, name);
            string video = Out($"proj.{parse.GetValue(videoFormat)}");
            var files = new List<string> { Out("target.png"), Out("proj.png"), Out("projected_w.npz"), Out("projected_w.safetensors") };
            if (parse.GetValue(saveVideo)) files.Add(video);
            foreach (var file in files) rule.File(file);
            var projector = new ProjectorOptions { Steps = parse.GetValue(steps), Seed = parse.GetValue(seed), WPlus = parse.GetValue(wPlus) };
            projector.Validate();
            if (parse.GetValue(saveVideo)) Animation.Check(video, 10);

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            var config = sampler.Generator.Config;
            using var targetImage = SquareImage.Load(parse.GetValue(target)!, config.ImgResolution, config.ImgChannels);
            using var lpips = LoadLpips(parse.GetValue(vgg), sampler.Device);
            var distance = lpips is null ? ImageDistance.PixelMultiScale : lpips.ProjectionDistance();
            Console.WriteLine($"Projecting {parse.GetValue(target)} with {projector.Steps} steps, loss: {distance.Name}{(projector.WPlus ? ", W+" : "")}.");

            ProjectionStep? last = null;
            var stepsRun = Projector.Run(sampler, targetImage, distance, projector, parse.GetValue(options.Class));
            ProgressBar.Run("projecting", projector.Steps, advance =>
            {
                // Each step's frame is the target beside that step's image; every tensor dies once the next step is asked for.
                IEnumerable<Tensor> Frames()
                {
                    foreach (var step in stepsRun)
                    {
                        last?.Ws.Dispose();
                        last?.Image.Dispose();
                        last = step;
                        advance($"step {step.Step + 1} dist {step.Distance:F4} loss {step.Loss:F4}");
                        var frame = cat([targetImage, step.Image], 3);
                        yield return frame;
                        frame.Dispose();
                    }
                }
                if (parse.GetValue(saveVideo)) Animation.Save(video, Frames(), 10);
                else foreach (var unused in Frames()) { } // the steps run as they are enumerated
            });
            ImageGrid.Save(Out("target.png"), targetImage);
            SavedWs.Save(Out("projected_w.npz"), last!.Ws);
            ImageGrid.Save(Out("proj.png"), sampler.Synthesize(last.Ws, options.Noise(parse)));
            Console.WriteLine($"Final distance {last.Distance:F4}. Wrote target.png, proj.png, projected_w.npz and projected_w.safetensors" +
                $"{(parse.GetValue(saveVideo) ? $" and {Path.GetFileName(video)}" : "")} to {folder}.");
            return 0;
        }));
        return command;
    }

    // LPIPS when torchvision's VGG16 file is given, cached or can be downloaded; the pixel loss otherwise, said so. A
    // given file that is wrong is an error, not a fallback.
    internal static Lpips? LoadLpips(string? vggFile, Device device)
    {
        try
        {
            return Lpips.Load(BundledData.LpipsVgg, vggFile, device);
        }
        catch (InvalidValueException e) when (vggFile is null && e.Name == Lpips.VggSetting)
        {
            Console.WriteLine($"  note: {e.Message} Projecting with the pixel loss instead of LPIPS.");
            return null;
        }
    }
}
