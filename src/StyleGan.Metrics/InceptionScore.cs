using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// Inception-style score from a classifier's probabilities: exp(E_x KL(p(y|x) || p(y))), per split, as mean and
/// (population) standard deviation over the splits like the official code. 1 = every image gets the same
/// prediction; ClassCount = confident predictions spread evenly over the classes.
/// </summary>
public static class InceptionScore
{
    public const int DefaultSplits = 10;

    /// <param name="probabilities">Class probabilities [N, K] (softmax of the logits).</param>
    /// <param name="splits">Number of equal parts; the last N mod splits rows are left out, as in the official code.</param>
    public static (double Mean, double Std) Compute(Tensor probabilities, int splits = DefaultSplits)
    {
        if (probabilities.dim() != 2) throw new ArgumentException($"Expected probabilities [N, K], got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        long size = probabilities.shape[0] / splits;
        if (splits < 1 || size == 0) throw new ArgumentException($"{probabilities.shape[0]} predictions cannot be cut into {splits} splits.", nameof(splits));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = probabilities.to(float64);
        var scores = new double[splits];
        for (int k = 0; k < splits; k++)
        {
            var part = p.narrow(0, k * size, size);
            var marginal = part.mean(new long[] { 0 }, keepdim: true);
            // xlogy: a class with probability 0 adds 0, where p * log p would give NaN.
            var kl = (part.xlogy(part) - part.xlogy(marginal)).sum(1).mean();
            scores[k] = Math.Exp(kl.item<double>());
        }
        double mean = scores.Average();
        return (mean, Math.Sqrt(scores.Select(s => (s - mean) * (s - mean)).Average()));
    }
}
