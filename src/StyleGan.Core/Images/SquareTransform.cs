namespace StyleGan.Images;

/// <summary>How a non-square image is made square before resizing it (<see cref="SquareImage"/>, and the dataset tool).</summary>
public enum SquareTransform
{
    /// <summary>Keep the centred square of the shorter side (what StyleGAN2-ADA's dataset_tool does).</summary>
    CenterCrop,

    /// <summary>Keep the whole image, centred on a square of the longer side filled with the background colour.</summary>
    Pad,
}
