using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>Reads, resets and re-rates the Adam optimizers of a run (checkpoints save their moments; progressive growing resets them).</summary>
public static class AdamState
{
    // TorchSharp keeps Adam's per-parameter state objects live in state_dict(): writing into them changes the optimizer.
    /// <summary>The per-parameter states, in the order of the parameters.</summary>
    public static List<Adam.State> Of(optim.Optimizer optimizer) =>
        ((OptimizerHelper)optimizer).state_dict().State.Cast<Adam.State>().ToList();

    /// <summary>Zeroes the moments and the step count, as the original's reset_optimizer_state when new layers appear.</summary>
    public static void Reset(optim.Optimizer optimizer)
    {
        using var _ = no_grad();
        foreach (var state in Of(optimizer))
        {
            state.exp_avg.zero_();
            state.exp_avg_sq.zero_();
            state.step = 0;
        }
    }

    /// <summary>Sets the step size of every parameter group.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in ((OptimizerHelper)optimizer).ParamGroups) group.LearningRate = learningRate;
    }
}
