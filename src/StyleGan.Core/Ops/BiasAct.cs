using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>Activation functions of the networks, as named in StyleGAN2-ADA (bias_act.activation_funcs).</summary>
public enum Activation { Linear, Relu, Lrelu }

/// <summary>Bias, activation, gain and clamp in one call (reference path of StyleGAN2-ADA's bias_act).</summary>
public static class BiasAct
{
    /// <summary>The gain that keeps activations' magnitude: sqrt(2) after a ReLU-like function, 1 otherwise.</summary>
    public static double DefaultGain(Activation act) => act == Activation.Linear ? 1 : Math.Sqrt(2);

    /// <summary>The default negative slope: 0.2 for leaky ReLU.</summary>
    public static double DefaultAlpha(Activation act) => act == Activation.Lrelu ? 0.2 : 0;

    /// <summary>x + b (broadcast along <paramref name="dim"/>), then the activation, times gain, clamped to ±clamp.</summary>
    /// <param name="x">Input.</param>
    /// <param name="b">Bias, or null.</param>
    /// <param name="dim">The dimension the bias runs along.</param>
    /// <param name="act">Activation.</param>
    /// <param name="alpha">Negative slope (default: DefaultAlpha).</param>
    /// <param name="gain">Output gain (default: DefaultGain).</param>
    /// <param name="clamp">Clamp to ±this, or no clamping.</param>
    /// <param name="overwrite">x is the caller's own intermediate, used by nothing else: where no gradient flows, it is overwritten.</param>
    public static Tensor Apply(Tensor x, Tensor? b = null, int dim = 1, Activation act = Activation.Linear, double? alpha = null, double? gain = null,
        double? clamp = null, bool overwrite = false) =>
        Intermediates.Keep(() =>
        {
            var y = new Elementwise(x, owned: overwrite);
            if (b is not null)
            {
                var bias = b.reshape(Enumerable.Range(0, (int)x.ndim).Select(i => i == dim ? -1L : 1L).ToArray());
                y.Then(t => t.add_(bias), t => t + bias);
            }
            double slope = alpha ?? DefaultAlpha(act);
            switch (act)
            {
                case Activation.Linear: break;
                case Activation.Relu: y.Then(t => t.relu_(), t => nn.functional.relu(t)); break;
                case Activation.Lrelu: y.Then(t => t.leaky_relu_(slope), t => nn.functional.leaky_relu(t, slope)); break;
                default: throw new ArgumentOutOfRangeException(nameof(act), act, null);
            }
            double g = gain ?? DefaultGain(act);
            if (g != 1) y.Then(t => t.mul_(g), t => t * g);
            if (clamp is double c && c >= 0) y.Then(t => t.clamp_(-c, c), t => t.clamp(-c, c));
            return y.Value;
        });
}
