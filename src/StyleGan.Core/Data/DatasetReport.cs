namespace StyleGan.Data;

/// <summary>What <see cref="DatasetTool.Convert"/> did.</summary>
/// <param name="Destination">The folder or zip written.</param>
/// <param name="Written">Images written.</param>
/// <param name="Skipped">
/// Source files left out, and why: what the folder's walk leaves out always (see ImageSource.Skipped), and with
/// SkipBad the unreadable and unlabelled images.
/// </param>
/// <param name="Cropped">Non-square images centre-cropped.</param>
/// <param name="Padded">Non-square images padded.</param>
/// <param name="Resized">Images whose (squared) side differed from the resolution.</param>
/// <param name="Resolution">Side of every written image.</param>
/// <param name="Channels">1 (grayscale) or 3 (RGB).</param>
/// <param name="LabelDim">Dimensions of a label; 0 when unlabelled.</param>
/// <param name="Classes">Class names in index order, for labels from sub-folders.</param>
public sealed record DatasetReport(
    string Destination,
    int Written,
    IReadOnlyList<(string File, string Reason)> Skipped,
    int Cropped,
    int Padded,
    int Resized,
    int Resolution,
    int Channels,
    int LabelDim,
    IReadOnlyList<string> Classes);
