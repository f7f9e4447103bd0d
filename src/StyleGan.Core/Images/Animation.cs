using static TorchSharp.torch;

namespace StyleGan.Images;

/// <summary>
/// Writes generator output, one frame at a time, as an animated GIF, a lossless animated WebP or an H.264 MP4
/// (through the ffmpeg program), chosen by the file's extension, and optionally every frame as a PNG too. Pixels are
/// quantized as <see cref="ImageGrid"/> saves them (<see cref="PixelRange.ToUint8"/>). Frames are taken one by one,
/// each converted before the next is asked for, so that an iterator making them holds one at a time: an MP4 streams,
/// so any length fits; a GIF or WebP holds every frame's uint8 pixels (3 bytes per RGB pixel, more for GIF's palette
/// indices) until the file is encoded, about 1 GB for 240 frames of 1024x1024: long animations at high resolution
/// belong in MP4.
/// Refusals of the path name the setting <c>AnimationPath</c>, those of the frame rate <c>FramesPerSecond</c>.
/// </summary>
public static class Animation
{
    /// <summary>The extensions written, each naming its format.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".gif", ".webp", ".mp4"];

    /// <summary>The slowest frame rate taken: one frame per 10 seconds.</summary>
    public const double MinFramesPerSecond = 0.1;

    /// <summary>
    /// Refuses, before any frame is made, what <see cref="Save"/> would refuse: an extension other than
    /// <see cref="Extensions"/>, a frame rate outside what the format can time, an MP4 without ffmpeg on PATH.
    /// </summary>
    /// <param name="path">The animation to write; its extension chooses the format.</param>
    /// <param name="framesPerSecond">Frames shown per second.</param>
    public static void Check(string path, double framesPerSecond)
    {
        var format = FormatOf(path);
        double fastest = format switch
        {
            // GIF delays count hundredths of a second, and browsers show a delay under 0.02 s as 0.1 s.
            AnimationFormat.Gif => 50,
            // ImageMagick writes a WebP delay under 10 ms as 100 ms, as gif2webp does.
            AnimationFormat.WebP => 100,
            _ => 240,
        };
        if (!(framesPerSecond >= MinFramesPerSecond && framesPerSecond <= fastest))
            throw new InvalidValueException("FramesPerSecond", $"the frame rate {framesPerSecond} is outside [{MinFramesPerSecond}, {fastest}], " +
                $"the frames per second {Path.GetExtension(path)} can time" + (format == AnimationFormat.Mp4 ? "." : "; write .mp4 for faster ones."));
        if (format == AnimationFormat.Mp4) Mp4Video.FindFfmpeg(path);
    }

    /// <summary>
    /// Writes the frames to <paramref name="path"/> atomically (a failure midway, a frame that throws included,
    /// leaves no file there and keeps what was there), after <see cref="Check"/>. The animation loops forever.
    /// </summary>
    /// <param name="path">The .gif, .webp or .mp4 file to write (or replace).</param>
    /// <param name="frames">
    /// Float images [C, H, W] or [1, C, H, W] in [-1, 1], C = 1 or 3, all of one shape, on any device; at least one.
    /// They stay the caller's: each is read before the next is asked for, so an iterator may dispose it on resuming
    /// (<c>using var frame = G.Forward(...); yield return frame;</c>).
    /// </param>
    /// <param name="framesPerSecond">Frames shown per second (see <see cref="Check"/> for each format's range).</param>
    /// <param name="framesFolder">Where to also save every frame as a PNG, 000000.png, 000001.png, ... (replacing files of those names); null: none.</param>
    public static void Save(string path, IEnumerable<Tensor> frames, double framesPerSecond, string? framesFolder = null)
    {
        Check(path, framesPerSecond);
        var converted = Converted(frames, framesFolder);
        switch (FormatOf(path))
        {
            case AnimationFormat.Mp4:
                Mp4Video.Write(path, converted, framesPerSecond);
                break;
            case var format:
                AnimatedImage.Write(path, converted, framesPerSecond, format);
                break;
        }
    }

    static AnimationFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".gif" => AnimationFormat.Gif,
        ".webp" => AnimationFormat.WebP,
        ".mp4" => AnimationFormat.Mp4,
        var other => throw new InvalidValueException("AnimationPath", $"{path}: the extension '{other}' names no animation format this tool writes; " +
            $"end the name with one of {string.Join(", ", Extensions)}."),
    };

    // Only what the conversion makes lives in its dispose scope: the frames, and whatever their iterator keeps from
    // one frame to the next, stay the caller's.
    static IEnumerable<AnimationFrame> Converted(IEnumerable<Tensor> frames, string? framesFolder)
    {
        long[]? shape = null;
        int index = 0;
        foreach (var source in frames)
        {
            AnimationFrame frame;
            using (NewDisposeScope())
            {
                var image = Image(source, index);
                shape ??= image.shape;
                if (!image.shape.SequenceEqual(shape))
                    throw new ArgumentException($"Frame {index} is [{string.Join(", ", image.shape)}] but frame 0 was [{string.Join(", ", shape)}]; " +
                        "every frame of an animation has one size.", nameof(frames));
                var pixels = PixelRange.ToUint8(image.detach().cpu());
                if (framesFolder is not null) ImageFile.SavePng(Path.Combine(framesFolder, $"{index:D6}.png"), pixels);
                frame = new AnimationFrame(pixels.permute(1, 2, 0).contiguous().data<byte>().ToArray(),
                    (int)shape[0], (int)shape[1], (int)shape[2]);
            }
            yield return frame;
            index++;
        }
        if (index == 0) throw new ArgumentException("An animation needs at least one frame; none was given.", nameof(frames));
    }

    // [1, C, H, W] is what the generator returns for one image; the frame is [C, H, W].
    static Tensor Image(Tensor frame, int index)
    {
        var image = frame.dim() == 4 && frame.shape[0] == 1 ? frame[0] : frame;
        if (image.dim() != 3 || image.shape[0] is not (1 or 3) || image.shape[1] == 0 || image.shape[2] == 0 || !image.is_floating_point())
            throw new ArgumentException($"Frame {index} is {frame.dtype} [{string.Join(", ", frame.shape)}]; expected a float image [C, H, W] " +
                "or [1, C, H, W] in [-1, 1] with 1 or 3 channels.", "frames");
        return image;
    }
}
