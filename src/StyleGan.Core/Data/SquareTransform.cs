namespace StyleGan.Data;

/// <summary>How <see cref="DatasetTool"/> makes a non-square image square before resizing it.</summary>
public enum SquareTransform
{
    /// <summary>Keep the centred square of the shorter side (what StyleGAN2-ADA's dataset_tool does).</summary>
    CenterCrop,

    /// <summary>Keep the whole image, centred on a square of the longer side filled with the background colour.</summary>
    Pad,
}
