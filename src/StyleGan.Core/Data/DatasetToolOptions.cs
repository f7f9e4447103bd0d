using SkiaSharp;
using StyleGan.Images;

namespace StyleGan.Data;

/// <summary>What <see cref="DatasetTool.Convert"/> reads, writes and how it transforms each image.</summary>
public sealed record DatasetToolOptions
{
    /// <summary>A folder of images (searched recursively; class sub-folders for <see cref="LabelSource.Subfolders"/>) or a .zip of them.</summary>
    public required string Source { get; init; }

    /// <summary>The dataset to write: a folder, or a file ending in .zip.</summary>
    public required string Destination { get; init; }

    /// <summary>Side of the square output, a power of two; null keeps the images' size when they are all one square power of two.</summary>
    public int? Resolution { get; init; }

    /// <summary>How non-square images become square.</summary>
    public SquareTransform Transform { get; init; } = SquareTransform.CenterCrop;

    /// <summary>Grayscale, RGB, or whatever the sources are.</summary>
    public ChannelMode Channels { get; init; } = ChannelMode.Auto;

    /// <summary>Colour under transparent pixels and in the padding.</summary>
    public SKColor Background { get; init; } = SKColors.White;

    /// <summary>Where class labels come from.</summary>
    public LabelSource Labels { get; init; } = LabelSource.None;

    /// <summary>The labels file (a path on disk) for <see cref="LabelSource.File"/>; its paths are relative to <see cref="Source"/>.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>Leave out unreadable or unlabelled images (recorded in the report) instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Write at most this many images (the first ones in path order); null writes all.</summary>
    public int? MaxImages { get; init; }

    /// <summary>Replace an existing non-empty destination.</summary>
    public bool Force { get; init; }
}
