namespace StyleGan.Data;

/// <summary>Where <see cref="DatasetTool"/> takes class labels from.</summary>
public enum LabelSource
{
    /// <summary>An unlabelled dataset.</summary>
    None,

    /// <summary>The first folder of each image's path names its class; classes are numbered in ordinal order of their names.</summary>
    Subfolders,

    /// <summary>A file beside the images: JSON as dataset.json, or CSV lines "path,class".</summary>
    File,
}
