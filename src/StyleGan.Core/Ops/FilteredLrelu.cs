using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// StyleGAN3's filtered leaky ReLU (torch_utils/ops/filtered_lrelu.py, its reference path): bias, up-sampling with
/// the filter <c>fu</c>, gain, leaky ReLU and clamp at the higher rate, then down-sampling with <c>fd</c>, so that
/// the nonlinearity's new frequencies are filtered out before the image returns to its own rate.
/// </summary>
public static class FilteredLrelu
{
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="fu">Up-sampling filter, 1D (separable) or 2D; null: none.</param>
    /// <param name="fd">Down-sampling filter, 1D (separable) or 2D; null: none.</param>
    /// <param name="b">Bias [C], added before up-sampling; null: none.</param>
    /// <param name="up">Up-sampling factor.</param>
    /// <param name="down">Down-sampling factor.</param>
    /// <param name="padding">Padding (negative: cropping) after zero insertion, before the up-sampling filter.</param>
    /// <param name="gain">Multiplies the values before the leaky ReLU (NVIDIA's default sqrt 2; 1 for toRGB).</param>
    /// <param name="slope">Negative slope of the leaky ReLU (1 for toRGB, which is then linear).</param>
    /// <param name="clamp">Clamps the values to ±this after the leaky ReLU; null: no clamp.</param>
    /// <param name="flipFilter">Correlation instead of convolution.</param>
    public static Tensor Apply(Tensor x, Tensor? fu = null, Tensor? fd = null, Tensor? b = null, int up = 1, int down = 1, Padding padding = default,
        double? gain = null, double slope = 0.2, double? clamp = null, bool flipFilter = false) =>
        Intermediates.Keep(() =>
        {
            using var none = ones(1, 1, dtype: ScalarType.Float32);
            x = BiasAct.Apply(x, b);
            x = Upfirdn2d.Apply(x, fu ?? none, up: up, padding: padding, flipFilter: flipFilter, gain: up * up);
            x = BiasAct.Apply(x, act: Activation.Lrelu, alpha: slope, gain: gain ?? Math.Sqrt(2), clamp: clamp);
            return Upfirdn2d.Apply(x, fd ?? none, down: down, flipFilter: flipFilter);
        });
}
