namespace StyleGan.Data;

/// <summary>The channels <see cref="DatasetTool"/> writes.</summary>
public enum ChannelMode
{
    /// <summary>Grayscale when every source image is stored as grayscale, else RGB.</summary>
    Auto,

    /// <summary>Three channels.</summary>
    Rgb,

    /// <summary>One channel: luminance 0.299 R + 0.587 G + 0.114 B, as PIL's convert("L").</summary>
    Grayscale,
}
