using System.Diagnostics;
using ImageMagick;
using SkiaSharp;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Tests.Images;

// Some tests point PATH at a folder of their own (no ffmpeg, a failing one), which must not change what tests
// running beside them find.
[Collection(ProcessEnvironment.Collection)]
public sealed class AnimationTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("stylegan-animation-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Frames given as uint8 levels: level k becomes k / 127.5 - 1, which the writer's x * 127.5 + 128 (truncated)
    // turns back into k, so the expected pixels are the levels themselves.
    static Tensor Frame(byte[] levels, int channels, int height, int width) =>
        PixelRange.FromUint8(tensor(levels, dtype: uint8).reshape(channels, height, width));

    // Every level of every channel differs from its neighbours': no two frames and no two pixels alike.
    static byte[] NoiseLevels(int count, int seed) => Enumerable.Range(0, count).Select(i => (byte)((i * 37 + seed * 101 + i * i * 7) % 256)).ToArray();

    static byte[] Interleaved(byte[] levels, int channels)
    {
        int pixels = levels.Length / channels;
        var hwc = new byte[levels.Length];
        for (int p = 0; p < pixels; p++)
            for (int c = 0; c < channels; c++) hwc[p * channels + c] = levels[c * pixels + p];
        return hwc;
    }

    // Pixels as Magick.NET decodes them; timing and looping as SkiaSharp reads them, a decoder of its own.
    sealed record Decoded(int Count, uint Width, uint Height, byte[][] Rgb, int[] DelaysMilliseconds, int Repetitions);

    static Decoded Decode(string path)
    {
        using var images = new MagickImageCollection(path);
        images.Coalesce(); // what a viewer shows, whatever rectangles the encoder stored
        var rgb = images.Select(image => image.GetPixels().ToByteArray(PixelMapping.RGB)!).ToArray();
        using var codec = SKCodec.Create(path);
        var delays = codec.FrameInfo.Select(frame => frame.Duration).ToArray();
        return new Decoded(images.Count, images[0].Width, images[0].Height, rgb, delays, codec.RepetitionCount);
    }

    const int Forever = -1; // SkiaSharp's repetition count of an animation that loops forever

    [Fact]
    public void WebPIsLosslessLoopsForeverAndTimesFramesInMilliseconds()
    {
        var levels = Enumerable.Range(0, 4).Select(i => NoiseLevels(3 * 6 * 8, i)).ToArray();
        var path = Path.Combine(folder, "out.webp");
        Animation.Save(path, levels.Select(l => Frame(l, 3, 6, 8)), framesPerSecond: 30);

        var decoded = Decode(path);
        Assert.Equal((4, 8u, 6u), (decoded.Count, decoded.Width, decoded.Height));
        for (int i = 0; i < 4; i++) Assert.Equal(Interleaved(levels[i], 3), decoded.Rgb[i]);
        // Frame i starts at round(i * 1000 / 30) ms: 0, 33, 67, 100, 133.
        Assert.Equal([33, 34, 33, 33], decoded.DelaysMilliseconds);
        Assert.Equal(Forever, decoded.Repetitions);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }

    [Fact]
    public void GrayGifFramesOfAllTwoHundredFiftySixLevelsComeBackExactly()
    {
        // 16 x 16 pixels: each frame holds every level once, in another order.
        var levels = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 256).Select(k => (byte)((k * (2 * i + 1) + 17 * i) % 256)).ToArray()).ToArray();
        var path = Path.Combine(folder, "gray.gif");
        Animation.Save(path, levels.Select(l => Frame(l, 1, 16, 16).unsqueeze(0)), framesPerSecond: 30);

        var decoded = Decode(path);
        Assert.Equal((3, 16u, 16u), (decoded.Count, decoded.Width, decoded.Height));
        for (int i = 0; i < 3; i++) Assert.Equal(levels[i].SelectMany(v => new[] { v, v, v }), decoded.Rgb[i]);
        // Hundredths: frame i starts at round(100 i / 30): 0, 3, 7, 10.
        Assert.Equal([30, 40, 30], decoded.DelaysMilliseconds);
        Assert.Equal(Forever, decoded.Repetitions);
    }

    [Fact]
    public void ColourGifKeepsAFramesFewColoursExactlyAndDithersMany()
    {
        // 32 x 32 frames: the first in four quadrants of four colours, the second a gradient of 1024 colours.
        byte[][] colours = [[0, 0, 0], [255, 10, 20], [30, 200, 90], [128, 128, 255]];
        var quadrants = Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 1024).Select(p => colours[(p % 32 / 16) + 2 * (p / 512)][c])).ToArray();
        var red = Enumerable.Range(0, 1024).Select(p => (byte)(p % 32 * 8));
        var green = Enumerable.Range(0, 1024).Select(p => (byte)(p / 32 * 8));
        var gradient = red.Concat(green).Concat(Enumerable.Repeat((byte)128, 1024)).ToArray();
        var path = Path.Combine(folder, "colour.gif");
        Animation.Save(path, [Frame(quadrants, 3, 32, 32), Frame(gradient, 3, 32, 32)], framesPerSecond: 10);

        var decoded = Decode(path);
        Assert.Equal(2, decoded.Count);
        Assert.Equal(Interleaved(quadrants, 3), decoded.Rgb[0]);
        // Dithering trades single pixels for the right colour over a neighbourhood: compare 3x3 averages.
        var expected = Interleaved(gradient, 3);
        double error = 0;
        for (int y = 1; y < 31; y++)
            for (int x = 1; x < 31; x++)
                for (int c = 0; c < 3; c++)
                {
                    double difference = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++) difference += decoded.Rgb[1][3 * ((y + dy) * 32 + x + dx) + c] - expected[3 * ((y + dy) * 32 + x + dx) + c];
                    error += Math.Abs(difference / 9);
                }
        Assert.InRange(error / (30 * 30 * 3), 0, 1.5);
    }

    [Fact]
    public void EveryFrameCanAlsoBeSavedAsThePngGenerateWouldWrite()
    {
        var levels = Enumerable.Range(0, 3).Select(i => NoiseLevels(3 * 4 * 5, i)).ToArray();
        var frames = Path.Combine(folder, "frames");
        Animation.Save(Path.Combine(folder, "out.webp"), levels.Select(l => Frame(l, 3, 4, 5)), 10, frames);

        Assert.Equal(["000000.png", "000001.png", "000002.png"], Directory.GetFiles(frames).Select(Path.GetFileName).Order());
        var grid = Path.Combine(folder, "grid.png");
        ImageGrid.Save(grid, Frame(levels[2], 3, 4, 5).unsqueeze(0));
        Assert.Equal(File.ReadAllBytes(grid), File.ReadAllBytes(Path.Combine(frames, "000002.png")));
        using var png = SKBitmap.Decode(Path.Combine(frames, "000000.png"));
        var hwc = Interleaved(levels[0], 3);
        Assert.Equal(new SKColor(hwc[0], hwc[1], hwc[2]), png.GetPixel(0, 0));
    }

    [Fact]
    public void FramesStayTheCallersAndAreReadBeforeTheNextIsAskedFor()
    {
        var made = new List<Tensor>();
        IEnumerable<Tensor> Frames()
        {
            // Made while the first frame is asked for and used by every frame, as an interpolation's endpoints are.
            var start = full(3, 4, 4, -1f);
            for (int i = 0; i < 3; i++)
            {
                using var frame = start + i * 0.5f; // disposed as soon as the writer asks for the next
                made.Add(frame);
                yield return frame;
            }
        }
        var path = Path.Combine(folder, "out.webp");
        Animation.Save(path, Frames(), 10);
        Assert.Equal(3, made.Count);
        Assert.Equal([0, 64, 128], Decode(path).Rgb.Select(rgb => rgb[0]));

        Tensor[] kept = [zeros(3, 4, 4), ones(3, 4, 4)];
        Animation.Save(Path.Combine(folder, "kept.gif"), kept, 10);
        Assert.All(kept, frame => Assert.False(frame.IsInvalid));
    }

    [Fact]
    public void AnUnknownExtensionIsRefusedBeforeAnyFrameIsMade()
    {
        var error = Assert.Throws<InvalidValueException>(() => Animation.Save(Path.Combine(folder, "out.png"), NoFrames(), 10));
        Assert.Equal("AnimationPath", error.Name);
        Assert.Contains("'.png'", error.Message);
        Assert.Contains(".gif, .webp, .mp4", error.Message);
        Assert.Contains("'.mkv'", Assert.Throws<InvalidValueException>(() => Animation.Check("clip.mkv", 10)).Message);
        Animation.Check("CLIP.GIF", 10); // the extension's case does not matter
    }

    [Theory]
    [InlineData("out.gif", 60)]
    [InlineData("out.webp", 101)]
    [InlineData("out.gif", 0.05)]
    [InlineData("out.webp", double.NaN)]
    public void AFrameRateTheFormatCannotTimeIsRefused(string name, double framesPerSecond)
    {
        var error = Assert.Throws<InvalidValueException>(() => Animation.Save(Path.Combine(folder, name), NoFrames(), framesPerSecond));
        Assert.Equal("FramesPerSecond", error.Name);
        Assert.Contains($"frame rate {framesPerSecond}", error.Message);
    }

    static IEnumerable<Tensor> NoFrames()
    {
        Assert.Fail("a frame was asked for");
        yield break;
    }

    [Fact]
    public void NoFramesOrFramesOfTwoSizesAreRefused()
    {
        Assert.Contains("at least one frame", Assert.Throws<ArgumentException>(() => Animation.Save(Path.Combine(folder, "a.gif"), [], 10)).Message);
        var error = Assert.Throws<ArgumentException>(() => Animation.Save(Path.Combine(folder, "b.gif"), [zeros(3, 4, 4), zeros(3, 4, 6)], 10));
        Assert.Contains("Frame 1 is [3, 4, 6] but frame 0 was [3, 4, 4]", error.Message);
        Assert.Contains("expected a float image", Assert.Throws<ArgumentException>(() => Animation.Save(Path.Combine(folder, "c.gif"), [zeros(2, 4, 4)], 10)).Message);
        Assert.False(File.Exists(Path.Combine(folder, "b.gif")));
    }

    [SkippableTheory]
    [InlineData("out.gif")]
    [InlineData("out.webp")]
    [InlineData("out.mp4")]
    public void AFrameThatThrowsMidwayLeavesWhatWasThere(string name)
    {
        if (name.EndsWith(".mp4")) SkipWithoutFfmpeg();
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "the previous file");
        IEnumerable<Tensor> Failing()
        {
            yield return zeros(3, 8, 8);
            yield return ones(3, 8, 8);
            throw new InvalidOperationException("frame 2 failed");
        }
        Assert.Equal("frame 2 failed", Assert.Throws<InvalidOperationException>(() => Animation.Save(path, Failing(), 10)).Message);
        Assert.Equal("the previous file", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }

    [SkippableFact]
    public void Mp4IsH264Yuv420pWithOddSidesPaddedToEven()
    {
        SkipWithoutFfmpeg();
        // A smooth image, 33 x 21, about 2 levels a pixel, whose red rises 32 levels a frame.
        const int height = 21, width = 33, count = 5;
        var path = Path.Combine(folder, "out.mp4");
        var x = arange(width, dtype: float32).reshape(1, 1, width) / width;
        var y = arange(height, dtype: float32).reshape(1, height, 1) / height;
        Tensor FrameAt(int i) => cat([(x * 0.5f + i * 0.25f).expand(1, height, width), y.expand(1, height, width), full(1, height, width, 0.5f)]) - 0.5;
        Animation.Save(path, Enumerable.Range(0, count).Select(FrameAt), framesPerSecond: 30);

        var stream = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
            "stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames", "-of", "default=noprint_wrappers=1", path);
        var fields = stream.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(("h264", "yuv420p", "34", "22", "30/1", "5"),
            (fields["codec_name"], fields["pix_fmt"], fields["width"], fields["height"], fields["r_frame_rate"], fields["nb_read_frames"]));

        var raw = RunBytes("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
        Assert.Equal(count * 34 * 22 * 3, raw.Length);
        var expected = Enumerable.Range(0, count).Select(i => PixelRange.ToUint8(FrameAt(i)).permute(1, 2, 0).contiguous().data<byte>().ToArray()).ToArray();
        double Error(int decoded, int input)
        {
            double sum = 0;
            for (int row = 0; row < height; row++)
                for (int column = 0; column < width * 3; column++)
                    sum += Math.Abs(raw[(decoded * 22 + row) * 34 * 3 + column] - expected[input][row * width * 3 + column]);
            return sum / (height * width * 3);
        }
        // yuv420p halves the colour resolution and rounds into 219 levels: a few levels off on average (most at the
        // edges of so small an image), and each frame much nearer its own input than the frames beside it (12.5 off).
        for (int i = 0; i < count; i++)
        {
            Assert.InRange(Error(i, i), 0, 6); // 3.2 to 4.5 measured
            if (i > 0) Assert.True(Error(i, i - 1) > 2 * Error(i, i), $"decoded frame {i} is near input frame {i - 1}");
            if (i < count - 1) Assert.True(Error(i, i + 1) > 2 * Error(i, i), $"decoded frame {i} is near input frame {i + 1}");
        }
    }

    [SkippableFact]
    public void GrayMp4FramesComeOutGray()
    {
        SkipWithoutFfmpeg();
        var path = Path.Combine(folder, "gray.mp4");
        byte[] levels = [40, 120, 200];
        Animation.Save(path, levels.Select(level => Frame(Enumerable.Repeat(level, 16 * 16).ToArray(), 1, 16, 16)), framesPerSecond: 10);

        var raw = RunBytes("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
        Assert.Equal(3 * 16 * 16 * 3, raw.Length);
        for (int i = 0; i < 3; i++)
            Assert.All(raw.Skip(i * 16 * 16 * 3).Take(16 * 16 * 3), value => Assert.InRange(value, levels[i] - 2, levels[i] + 2));
    }

    [Fact]
    public void WithoutFfmpegMp4IsRefusedSayingHowToInstallIt()
    {
        WithPath(Directory.CreateDirectory(Path.Combine(folder, "empty-bin")).FullName, () =>
        {
            var error = Assert.Throws<FileNotFoundException>(() => Animation.Save(Path.Combine(folder, "out.mp4"), NoFrames(), 30));
            Assert.Contains("needs the ffmpeg program, which is not on PATH", error.Message);
            Assert.Contains("apt-get install ffmpeg", error.Message);
            Assert.Contains(".gif or .webp", error.Message);
            Animation.Save(Path.Combine(folder, "out.gif"), [zeros(1, 2, 2)], 30);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AnFfmpegThatFailsIsQuotedAndLeavesNoFile()
    {
        var bin = Directory.CreateDirectory(Path.Combine(folder, "failing-bin")).FullName;
        var fake = Path.Combine(bin, "ffmpeg");
        File.WriteAllText(fake, "#!/bin/sh\necho 'first line' >&2\necho \"Unknown encoder 'libx264'\" >&2\nexit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(folder, "out.mp4");
        WithPath(bin, () =>
        {
            // Enough pixels (600 KB) to fill the pipe, whether or not the fake has exited before they are written.
            var error = Assert.Throws<IOException>(() => Animation.Save(path, Enumerable.Range(0, 4).Select(_ => zeros(3, 256, 256)), 30));
            Assert.Contains($"ffmpeg could not write {path} (exit code 3): first line | Unknown encoder 'libx264'.", error.Message);
        });
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }

    static void WithPath(string path, Action body)
    {
        var saved = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", path);
        try
        {
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", saved);
        }
    }

    static void SkipWithoutFfmpeg()
    {
        bool found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "ffmpeg")) && File.Exists(Path.Combine(dir, "ffprobe")));
        Skip.IfNot(found, "ffmpeg and ffprobe are not on PATH (apt-get install ffmpeg): MP4 is not tested.");
    }

    static string Run(string program, params string[] arguments) => System.Text.Encoding.UTF8.GetString(RunBytes(program, arguments));

    static byte[] RunBytes(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {errors.Result}");
        return output.ToArray();
    }
}
