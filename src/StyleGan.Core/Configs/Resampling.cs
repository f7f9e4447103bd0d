namespace StyleGan.Configs;

/// <summary>
/// How the networks change resolution: StyleGAN2's [1,3,3,1] FIR filters; nearest up-sampling and average pooling
/// (Progressive GAN, the 2019 paper's config A); or those with a [1,2,1] blur after up-sampling and before
/// down-sampling, the 2019 paper's "bilinear" (config B onward).
/// </summary>
public enum Resampling { Fir, Nearest, NearestBlur }
