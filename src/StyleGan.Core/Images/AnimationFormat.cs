namespace StyleGan.Images;

/// <summary>The file formats <see cref="Animation"/> writes, chosen by the file's extension.</summary>
enum AnimationFormat
{
    /// <summary>Animated GIF: a palette of at most 256 colours per frame, delays in hundredths of a second.</summary>
    Gif,

    /// <summary>Animated lossless WebP: every frame decodes back exactly, delays in milliseconds.</summary>
    WebP,

    /// <summary>H.264 video in MP4 (yuv420p), encoded by the ffmpeg program.</summary>
    Mp4,
}
