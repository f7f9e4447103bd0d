using StyleGan.Distributed;
using StyleGan.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>
/// One optimizer step of the training schedule: which loss phase, which network it trains (and which of its
/// parameters: Freeze-D leaves some out), with which optimizer, every how many minibatches (lazy regularization runs
/// every 4 or 16), and the factor its optimizer's learning rate carries (interval / (interval + 1) with lazy
/// regularization, else 1).
/// </summary>
public sealed record TrainingPhase(LossPhase Phase, nn.Module Module, IReadOnlyList<Parameter> Parameters, optim.Optimizer Optimizer, int Interval,
    double LearningRateRatio)
{
    /// <summary>Parameters among <see cref="Parameters"/> whose step is <see cref="OriginalUnits.StepFactor"/> of the optimizer's (the 2019 family's, see <see cref="OriginalUnits"/>).</summary>
    public IReadOnlyList<Parameter> ScaledStep { get; init; } = [];

    /// <summary>
    /// The official schedule: with lazy regularization, a main phase every minibatch and a regularization phase every
    /// interval, sharing one Adam whose lr and betas are corrected by interval / (interval + 1); without, one 'both' phase.
    /// </summary>
    /// <param name="generator">Generator (its parameters get the G optimizer).</param>
    /// <param name="discriminator">Discriminator.</param>
    /// <param name="learningRate">Adam learning rate of G (0.0025 in StyleGAN2).</param>
    /// <param name="dLearningRate">Adam learning rate of D (as G's in StyleGAN2; 0.002 in StyleGAN3).</param>
    /// <param name="beta1">Adam beta1 (0 in StyleGAN2).</param>
    /// <param name="beta2">Adam beta2 (0.99 in StyleGAN2).</param>
    /// <param name="gRegInterval">Path length regularization every this many minibatches, or null for none.</param>
    /// <param name="dRegInterval">R1 every this many minibatches, or null to compute it in every D step.</param>
    /// <param name="frozenDLayers">Freeze-D: D's first this many layers (see <see cref="Discriminator.BlockLayers"/>) are not trained.</param>
    /// <param name="discriminatorFirst">D's phases before G's, as the 2019 training loop runs them (StyleGAN2-ADA runs G's first).</param>
    public static List<TrainingPhase> Schedule(Generator generator, Discriminator discriminator, double learningRate = 0.0025, double dLearningRate = 0.0025,
        double beta1 = 0, double beta2 = 0.99, int? gRegInterval = 4, int? dRegInterval = 16, int frozenDLayers = 0, bool discriminatorFirst = false)
    {
        var phases = new List<TrainingPhase>();
        SetRequiresGrad(generator.parameters(), false);      // each phase turns on only what it trains
        SetRequiresGrad(discriminator.parameters(), false);
        var frozen = discriminator.BlockLayers.Take(frozenDLayers).SelectMany(layer => layer.parameters()).ToHashSet(ReferenceEqualityComparer.Instance);
        var trainedD = discriminator.parameters().Where(parameter => !frozen.Contains(parameter)).ToList();
        foreach (var (isG, module, parameters, interval, scaled) in new (bool, nn.Module, List<Parameter>, int?, IReadOnlyList<Parameter>)[] {
            (true, generator, generator.parameters().ToList(), gRegInterval, OriginalUnits.Of(generator)),
            (false, discriminator, trainedD, dRegInterval, OriginalUnits.Of(discriminator).Where(parameter => !frozen.Contains(parameter)).ToList()) }
            .OrderBy(network => network.Item1 == discriminatorFirst))
        {
            double ratio = interval is int k ? k / (k + 1.0) : 1;
            var adam = optim.Adam(parameters, (isG ? learningRate : dLearningRate) * ratio, Math.Pow(beta1, ratio), Math.Pow(beta2, ratio), eps: 1e-8);
            if (interval is int regInterval)
            {
                phases.Add(new(isG ? LossPhase.GMain : LossPhase.DMain, module, parameters, adam, 1, ratio) { ScaledStep = scaled });
                phases.Add(new(isG ? LossPhase.GReg : LossPhase.DReg, module, parameters, adam, regInterval, ratio) { ScaledStep = scaled });
            }
            else
            {
                phases.Add(new(isG ? LossPhase.GBoth : LossPhase.DBoth, module, parameters, adam, 1, ratio) { ScaledStep = scaled });
            }
        }
        return phases;
    }

    /// <summary>Sets the phase's optimizer to a learning rate (times its ratio), as a per-resolution schedule does.</summary>
    public void SetLearningRate(double learningRate) => AdamState.SetLearningRate(Optimizer, learningRate * LearningRateRatio);

    /// <summary>
    /// Accumulates this phase's gradients (only this phase's parameters require grad) after <paramref name="curNimg"/>
    /// images, averages them over the <paramref name="ranks"/> that share the minibatch, sanitizes them, steps the optimizer.
    /// </summary>
    public LossTerms Run(StyleGan2Loss loss, Tensor realImg, Tensor? realC, Tensor genZ, Tensor? genC, long curNimg, ICollective? ranks = null)
    {
        // As NVIDIA's zero_grad(set_to_none=True): a parameter the phase does not reach keeps no gradient, so Adam skips it.
        foreach (var parameter in Parameters) parameter.grad = null;
        SetRequiresGrad(Parameters, true);
        var terms = loss.Accumulate(Phase, realImg, realC, genZ, genC, gain: Interval, curNimg: curNimg);
        SetRequiresGrad(Parameters, false);
        DataParallel.AverageGradients(ranks ?? SingleProcess.Instance, Parameters);
        using (no_grad())
        {
            foreach (var parameter in Parameters)
                parameter.grad?.nan_to_num_(nan: 0, posinf: 1e5, neginf: -1e5);
        }
        // Adam's moments do not depend on the step taken, so shortening these parameters' steps afterwards is exactly
        // a learning rate of StepFactor times the optimizer's for them, without a parameter group of their own.
        var before = ScaledStep.Select(parameter => parameter.detach().clone()).ToList();
        Optimizer.step();
        using (no_grad())
        {
            foreach (var (parameter, previous) in ScaledStep.Zip(before))
            {
                parameter.sub_(previous).mul_(OriginalUnits.StepFactor).add_(previous);
                previous.Dispose();
            }
        }
        return terms;
    }

    public static void SetRequiresGrad(IEnumerable<Parameter> parameters, bool requiresGrad)
    {
        foreach (var parameter in parameters) parameter.requires_grad = requiresGrad;
    }
}
