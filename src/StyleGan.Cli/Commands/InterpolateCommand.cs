using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Images;
using StyleGan.Random;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan interpolate</c>: a video walking from seed to seed, in Z (slerp) or W (lerp).</summary>
public static class InterpolateCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions(writesFolder: false);
        var seeds = new Option<string>("--seeds") { Description = "The seeds visited in order, e.g. 1,2,3", Required = true }.Sets("Seeds");
        var space = new Option<string>("--space") { Description = "z (spherical interpolation of z) or w (linear in W)", DefaultValueFactory = _ => "w" };
        var framesPerSeed = new Option<int>("--frames-per-seed") { Description = "Frames from one seed to the next", DefaultValueFactory = _ => 60 }.Sets("FramesPerSeed");
        var fps = new Option<double>("--fps") { Description = "Frames per second", DefaultValueFactory = _ => 30 }.Sets("FramesPerSecond");
        var loop = new Option<bool>("--loop") { Description = "Walk back to the first seed, for a video that repeats smoothly" };
        var output = new Option<string>("--out") { Description = "The video: .gif, .webp (lossless) or .mp4 (needs ffmpeg)", Required = true }.Sets("AnimationPath");
        var frames = new Option<string?>("--frames") { Description = "Also write every frame as a PNG into this folder" };
        var command = options.Command("interpolate", "An interpolation video between seeds.", seeds, space, framesPerSeed, fps, loop, output, frames);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!).ToList();
            if (seedList.Count > 10_000) throw new UsageException($"--seeds lists {seedList.Count} seeds; a video visits at most 10,000.");
            var walk = parse.GetValue(space) switch
            {
                "w" => InterpolationSpace.W,
                "z" => InterpolationSpace.Z,
                var other => throw new UsageException($"--space '{other}' is not z or w."),
            };
            string file = options.Rule(parse, "--out").File(parse.GetValue(output)!);
            Animation.Check(file, parse.GetValue(fps));
            int count = Interpolation.FrameCount(seedList.Count, parse.GetValue(framesPerSeed), parse.GetValue(loop));
            string? framesFolder = null;
            if (parse.GetValue(frames) is string folder)
            {
                var framesRule = options.Rule(parse, "--frames");
                framesFolder = framesRule.Folder(folder);
                // Only frames already there can be in the way.
                if (Directory.Exists(framesFolder))
                    foreach (var existing in Directory.EnumerateFiles(framesFolder, "??????.png")
                        .Where(f => int.TryParse(Path.GetFileNameWithoutExtension(f), out int i) && i < count)) framesRule.File(existing);
            }

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            var made = Interpolation.Frames(sampler, seedList, walk, parse.GetValue(framesPerSeed), parse.GetValue(loop), parse.GetValue(options.Class),
                options.Truncation(parse), options.Noise(parse));
            ProgressBar.Run($"{count} frames", count, advance => Animation.Save(file, made.Select(frame => { advance(null); return frame; }), parse.GetValue(fps), framesFolder));
            Console.WriteLine($"Wrote {file}: {count} frames at {parse.GetValue(fps)} fps, {walk} space{(framesFolder is null ? "" : $", and each frame in {framesFolder}")}.");
            return 0;
        }));
        return command;
    }
}
