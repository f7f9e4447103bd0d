namespace StyleGan.Training;

/// <summary>
/// What one optimizer step trains, as in StyleGAN2-ADA: the main adversarial term, the lazy regularizer alone
/// (path length for G, R1 for D), or both in one pass when regularization is not lazy.
/// </summary>
public enum LossPhase { GMain, GReg, GBoth, DMain, DReg, DBoth }
