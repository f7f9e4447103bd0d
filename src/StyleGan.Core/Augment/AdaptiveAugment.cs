using StyleGan.Distributed;
using static TorchSharp.torch;

namespace StyleGan.Augment;

/// <summary>
/// ADA's controller (training_loop.py): it collects the signs of D's logits on reals and, every <see cref="Interval"/>
/// minibatches, moves p by sign(r_t - target) * batch * interval / (speed_kimg * 1000), where r_t = E[sign(D(real))]
/// over those minibatches; p stays at or above 0. Its collected signs are part of the training state.
/// </summary>
public sealed class AdaptiveAugment
{
    /// <summary>The r_t that p is steered to (0.6 in StyleGAN2-ADA).</summary>
    public double Target { get; }

    /// <summary>Minibatches between adjustments.</summary>
    public int Interval { get; }

    /// <summary>Thousands of images over which p may change by 1.</summary>
    public double SpeedKimg { get; }

    /// <summary>Sum of the signs collected since the last adjustment.</summary>
    public double SignSum { get; set; }

    /// <summary>Number of signs collected since the last adjustment.</summary>
    public long SignCount { get; set; }

    /// <param name="target">The r_t that p is steered to.</param>
    /// <param name="interval">Minibatches between adjustments.</param>
    /// <param name="speedKimg">Thousands of images over which p may change by 1 (500; 100 when fine-tuning).</param>
    public AdaptiveAugment(double target = 0.6, int interval = 4, double speedKimg = 500)
    {
        Target = target;
        Interval = interval;
        SpeedKimg = speedKimg;
    }

    /// <summary>Collects the signs of D's logits on a minibatch of reals, of every rank's share of it (training_stats' all-reduce).</summary>
    /// <param name="realLogits">This rank's logits.</param>
    /// <param name="ranks">The ranks that share the minibatch; null: one process.</param>
    public void Collect(Tensor realLogits, ICollective? ranks = null)
    {
        using var _ = no_grad();
        var sums = DataParallel.Sum(ranks ?? SingleProcess.Instance, realLogits.sign().to(float64).sum().item<double>(), realLogits.numel());
        SignSum += sums[0];
        SignCount += (long)sums[1];
    }

    /// <summary>
    /// After minibatch <paramref name="batchIndex"/> (counted from 1) of <paramref name="batch"/> images: at the
    /// interval, the new p from the collected signs, which it then forgets; else p as it is.
    /// </summary>
    public double Adjust(double p, long batchIndex, int batch)
    {
        if (batchIndex % Interval != 0 || SignCount == 0) return p;
        double rt = SignSum / SignCount;
        (SignSum, SignCount) = (0, 0);
        return Math.Max(p + Math.Sign(rt - Target) * (batch * (double)Interval) / (SpeedKimg * 1000), 0);
    }
}
