using StyleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>
/// One optimizer step of the training schedule: which loss phase, which network it trains, with which optimizer,
/// every how many minibatches (lazy regularization runs every 4 or 16), and the factor its optimizer's learning rate
/// carries (interval / (interval + 1) with lazy regularization, else 1).
/// </summary>
public sealed record TrainingPhase(LossPhase Phase, nn.Module Module, optim.Optimizer Optimizer, int Interval, double LearningRateRatio)
{
    /// <summary>
    /// The official schedule: with lazy regularization, a main phase every minibatch and a regularization phase every
    /// interval, sharing one Adam whose lr and betas are corrected by interval / (interval + 1); without, one 'both' phase.
    /// </summary>
    /// <param name="generator">Generator (its parameters get the G optimizer).</param>
    /// <param name="discriminator">Discriminator.</param>
    /// <param name="learningRate">Adam learning rate of both networks (0.0025 in StyleGAN2).</param>
    /// <param name="beta1">Adam beta1 (0 in StyleGAN2).</param>
    /// <param name="beta2">Adam beta2 (0.99 in StyleGAN2).</param>
    /// <param name="gRegInterval">Path length regularization every this many minibatches, or null for none.</param>
    /// <param name="dRegInterval">R1 every this many minibatches, or null to compute it in every D step.</param>
    public static List<TrainingPhase> Schedule(Generator generator, Discriminator discriminator, double learningRate = 0.0025,
        double beta1 = 0, double beta2 = 0.99, int? gRegInterval = 4, int? dRegInterval = 16)
    {
        var phases = new List<TrainingPhase>();
        SetRequiresGrad(generator, false);      // each phase turns on only the network it trains
        SetRequiresGrad(discriminator, false);
        foreach (var (isG, module, interval) in new (bool, nn.Module, int?)[] { (true, generator, gRegInterval), (false, discriminator, dRegInterval) })
        {
            double ratio = interval is int k ? k / (k + 1.0) : 1;
            var adam = optim.Adam(module.parameters(), learningRate * ratio, Math.Pow(beta1, ratio), Math.Pow(beta2, ratio), eps: 1e-8);
            if (interval is int regInterval)
            {
                phases.Add(new(isG ? LossPhase.GMain : LossPhase.DMain, module, adam, 1, ratio));
                phases.Add(new(isG ? LossPhase.GReg : LossPhase.DReg, module, adam, regInterval, ratio));
            }
            else
            {
                phases.Add(new(isG ? LossPhase.GBoth : LossPhase.DBoth, module, adam, 1, ratio));
            }
        }
        return phases;
    }

    /// <summary>Sets the phase's optimizer to a learning rate (times its ratio), as a per-resolution schedule does.</summary>
    public void SetLearningRate(double learningRate) => AdamState.SetLearningRate(Optimizer, learningRate * LearningRateRatio);

    /// <summary>Accumulates this phase's gradients (only this phase's network requires grad), sanitizes them, steps the optimizer.</summary>
    public LossTerms Run(StyleGan2Loss loss, Tensor realImg, Tensor? realC, Tensor genZ, Tensor? genC)
    {
        Optimizer.zero_grad();
        SetRequiresGrad(Module, true);
        var terms = loss.Accumulate(Phase, realImg, realC, genZ, genC, gain: Interval);
        SetRequiresGrad(Module, false);
        using (no_grad())
        {
            foreach (var parameter in Module.parameters())
                parameter.grad?.nan_to_num_(nan: 0, posinf: 1e5, neginf: -1e5);
        }
        Optimizer.step();
        return terms;
    }

    public static void SetRequiresGrad(nn.Module module, bool requiresGrad)
    {
        foreach (var parameter in module.parameters()) parameter.requires_grad = requiresGrad;
    }
}
