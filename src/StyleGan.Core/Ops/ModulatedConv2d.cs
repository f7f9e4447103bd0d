using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// StyleGAN2's modulated convolution: scale the weight's input channels by per-sample styles, optionally
/// demodulate (normalize each output channel to unit norm), then convolve. Two equivalent paths:
/// fused (one grouped convolution with per-sample weights) and non-fused (scale activations around a shared conv).
/// Where the caller leaves the choice open, <see cref="ModulatedConvChoice"/> takes it.
/// </summary>
public static class ModulatedConv2d
{
    /// <param name="x">Input activations [N, I, H, W].</param>
    /// <param name="weight">Shared weight [O, I, kh, kw].</param>
    /// <param name="styles">Per-sample input channel scales [N, I].</param>
    /// <param name="noise">Optional noise added to the output, broadcastable to [N, O, H', W'].</param>
    /// <param name="up">Integer upsampling factor.</param>
    /// <param name="down">Integer downsampling factor.</param>
    /// <param name="padding">Padding with respect to the upsampled image.</param>
    /// <param name="resampleFilter">FIR filter for resampling (Upfirdn2d.SetupFilter).</param>
    /// <param name="demodulate">Normalize output channels (StyleGAN2's replacement of AdaIN).</param>
    /// <param name="flipWeight">False = true convolution, true = correlation.</param>
    /// <param name="fusedModconv">Grouped-convolution path, activation-scaling path, or null to let <see cref="ModulatedConvChoice"/> pick.</param>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor styles, Tensor? noise = null, int up = 1, int down = 1, int padding = 0,
        Tensor? resampleFilter = null, bool demodulate = true, bool flipWeight = true, bool? fusedModconv = null)
    {
        Tensor Path(bool fused) => Intermediates.Keep(() => Compute(x, weight, styles, noise, up, down, padding, resampleFilter, demodulate, flipWeight, fused));
        if (fusedModconv is bool given) return Path(given);
        return ModulatedConvChoice.Run(x, weight, $"up {up} down {down} pad {padding} demod {demodulate} flip {flipWeight} noise {noise is not null}", Path);
    }

    static Tensor Compute(Tensor x, Tensor weight, Tensor styles, Tensor? noise, int up, int down, int padding, Tensor? resampleFilter, bool demodulate,
        bool flipWeight, bool fusedModconv)
    {
        long batch = x.shape[0];
        long outChannels = weight.shape[0], inChannels = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];

        // sum over i, kh, kw of (weight * style)^2 = sum over i of style^2 * (sum over kh, kw of weight^2): the same
        // coefficients as the official code's, from an [N, I] x [I, O] product instead of per-sample weights
        // [N, O, I, kh, kw], which at batch 64 and 4096 channels would take 38 GB.
        var dcoefs = demodulate ? (styles.square().matmul(weight.square().sum(new long[] { 2, 3 }).t()) + 1e-8).rsqrt() : null; // [N, O]

        if (!fusedModconv)
        {
            var scaled = x * styles.to(x.dtype).reshape(batch, -1, 1, 1);
            var y = new Elementwise(Conv2dResample.Apply(scaled, weight.to(x.dtype), resampleFilter, up, down, padding, flipWeight: flipWeight), owned: true);
            if (demodulate) y.Then(t => t.mul_(dcoefs!.to(x.dtype).reshape(batch, -1, 1, 1)), t => t * dcoefs!.to(x.dtype).reshape(batch, -1, 1, 1));
            if (noise is not null) y.Then(t => t.add_(noise.to(x.dtype)), t => t + noise.to(x.dtype));
            return y.Value;
        }

        var w = weight.unsqueeze(0) * styles.reshape(batch, 1, -1, 1, 1); // [N, O, I, kh, kw]
        if (demodulate) w = w * dcoefs!.reshape(batch, -1, 1, 1, 1);
        var grouped = w.reshape(batch * outChannels, inChannels, kh, kw);
        var fused = Conv2dResample.Apply(x.reshape(1, batch * inChannels, x.shape[2], x.shape[3]), grouped.to(x.dtype), resampleFilter, up, down, padding,
            groups: (int)batch, flipWeight: flipWeight);
        var result = new Elementwise(fused.reshape(batch, outChannels, fused.shape[2], fused.shape[3]), owned: true);
        if (noise is not null) result.Then(t => t.add_(noise), t => t + noise);
        return result.Value;
    }
}
