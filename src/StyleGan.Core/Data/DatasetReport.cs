namespace StyleGan.Data;

/// <summary>What <see cref="DatasetTool.Convert"/> did.</summary>
public sealed record DatasetReport(
    string Destination,                                 // the folder or zip written
    int Written,                                        // images written
    IReadOnlyList<(string File, string Reason)> Skipped, // source files left out (with SkipBad), and why
    int Cropped,                                        // non-square images centre-cropped
    int Padded,                                         // non-square images padded
    int Resized,                                        // images whose (squared) side differed from the resolution
    int Resolution,                                     // side of every written image
    int Channels,                                       // 1 (grayscale) or 3 (RGB)
    int LabelDim,                                       // dimensions of a label; 0 when unlabelled
    IReadOnlyList<string> Classes);                     // class names in index order, for labels from sub-folders
