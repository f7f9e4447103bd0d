namespace StyleGan.Configs;

/// <summary>
/// How the resolutions of a network are connected (StyleGAN2 paper, figure 7): plain feed-forward,
/// output/input skips that sum RGB images across resolutions, or residual blocks.
/// </summary>
public enum Architecture { Orig, Skip, Resnet }
