namespace StyleGan.Images;

/// <summary>One frame as the encoders take it: uint8 pixels, rows top to bottom, channels interleaved (gray, or R G B).</summary>
/// <param name="Pixels">Height * Width * Channels bytes.</param>
/// <param name="Channels">1 (gray) or 3 (RGB).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Pixels per row.</param>
sealed record AnimationFrame(byte[] Pixels, int Channels, int Height, int Width);
