using ImageMagick;
using ImageMagick.Formats;
using StyleGan.Files;

namespace StyleGan.Images;

/// <summary>Animated GIF and lossless animated WebP through Magick.NET: every frame is collected, then the file is encoded in one go.</summary>
static class AnimatedImage
{
    /// <summary>Encodes the frames as a GIF or WebP that loops forever, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="frames">The frames, all of one size.</param>
    /// <param name="framesPerSecond">Frames shown per second, within what the format can time.</param>
    /// <param name="format">GIF or WebP.</param>
    public static void Write(string path, IEnumerable<AnimationFrame> frames, double framesPerSecond, AnimationFormat format)
    {
        // A GIF counts delays in hundredths of a second, a WebP in milliseconds.
        int ticksPerSecond = format == AnimationFormat.Gif ? 100 : 1000;
        using var collection = new MagickImageCollection();
        int index = 0;
        foreach (var frame in frames)
        {
            var image = new MagickImage();
            collection.Add(image);
            image.ReadPixels(frame.Pixels, Layout(frame));
            image.AnimationTicksPerSecond = ticksPerSecond;
            image.AnimationDelay = (uint)(Tick(index + 1, framesPerSecond, ticksPerSecond) - Tick(index, framesPerSecond, ticksPerSecond));
            image.AnimationIterations = 0; // loop forever
            if (format == AnimationFormat.Gif) image.Quantize(FitsPalette(frame) ? Exact : Dithered);
            index++;
        }
        AtomicFile.Write(path, stream =>
        {
            if (format == AnimationFormat.Gif) collection.Write(stream, MagickFormat.Gif);
            else collection.Write(stream, new WebPWriteDefines { Lossless = true });
        });
    }

    // Each GIF frame gets a palette of its own. A frame of at most 256 colours (any gray one) keeps them exactly; a
    // frame of more is reduced by ImageMagick's colour tree and Floyd-Steinberg error diffusion, which of Magick.NET's
    // choices came closest as seen (error of 3x3 averages on a 256x256 photo-like image: 1.3 levels, against 2.6 for
    // Riemersma, 2.8 undithered; k-means took 30 times as long and came to 1.5). Diffusion is not used on a frame
    // of 256 colours or fewer: it would merge levels of a frame that fits the palette whole.
    const int Colors = 256;
    static readonly QuantizeSettings Exact = new() { Colors = Colors, DitherMethod = DitherMethod.No };
    static readonly QuantizeSettings Dithered = new() { Colors = Colors, DitherMethod = DitherMethod.FloydSteinberg };

    // Whether a frame has at most 256 colours: a gray one always; an RGB one is counted until the 257th, which in a
    // photo-like frame comes within a few hundred pixels (ImageMagick's TotalColors counts them all: 0.5 s at 512x512).
    static bool FitsPalette(AnimationFrame frame)
    {
        if (frame.Channels == 1) return true;
        var colours = new HashSet<int>();
        for (int i = 0; i < frame.Pixels.Length; i += 3)
            if (colours.Add(frame.Pixels[i] << 16 | frame.Pixels[i + 1] << 8 | frame.Pixels[i + 2]) && colours.Count > Colors) return false;
        return true;
    }

    // Frame i starts at the tick nearest to i / fps, so rounding never accumulates: 30 frames per second in a GIF
    // alternate delays of 3 and 4 hundredths (3, 4, 3, 3, 4, 3, ...) and last exactly one second per 30 frames.
    static long Tick(int frame, double framesPerSecond, int ticksPerSecond) =>
        (long)Math.Round(frame * ticksPerSecond / framesPerSecond, MidpointRounding.AwayFromZero);

    // "I" (intensity) makes a one-channel frame a gray image rather than a red one.
    static PixelReadSettings Layout(AnimationFrame frame) =>
        new((uint)frame.Width, (uint)frame.Height, StorageType.Char, frame.Channels == 3 ? "RGB" : "I");
}
