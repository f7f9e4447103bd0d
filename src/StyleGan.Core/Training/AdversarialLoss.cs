namespace StyleGan.Training;

/// <summary>
/// The adversarial loss: the non-saturating logistic loss with R1 (StyleGAN, StyleGAN2), or Progressive GAN's
/// Wasserstein loss with gradient penalty and drift (WGAN-GP, the 2019 paper's config A).
/// </summary>
public enum AdversarialLoss { Logistic, WganGp }
