using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// StyleGAN3's modulated convolution (networks_stylegan3.py's modulated_conv2d): the weight and the styles are first
/// normalized to unit mean square (so that fp16 cannot overflow), then modulated, demodulated, scaled per input
/// channel by the layer's input gain, and applied as one grouped convolution. No noise, no resampling: StyleGAN3's
/// layers resample in their filtered leaky ReLU.
/// </summary>
public static class NormalizedModulatedConv2d
{
    /// <param name="x">Input [N, I, H, W].</param>
    /// <param name="weight">Weight [O, I, kh, kw].</param>
    /// <param name="styles">Styles [N, I].</param>
    /// <param name="demodulate">Normalize and demodulate (false for toRGB).</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="inputGain">Scale of the input channels ([] or [I] or [N, I]), or null.</param>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor styles, bool demodulate = true, int padding = 0, Tensor? inputGain = null) =>
        Intermediates.Keep(() =>
        {
            ConvolutionCheck.Ensure();
            long batch = x.shape[0], inChannels = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
            var w = weight;
            var s = styles;
            if (demodulate)
            {
                w = w * w.square().mean([1, 2, 3], keepdim: true).rsqrt();
                s = s * s.square().mean().rsqrt();
            }
            w = w.unsqueeze(0) * s.unsqueeze(1).unsqueeze(3).unsqueeze(4); // [N, O, I, kh, kw]
            if (demodulate)
                w = w * (w.square().sum([2, 3, 4]) + 1e-8).rsqrt().unsqueeze(2).unsqueeze(3).unsqueeze(4);
            if (inputGain is not null)
                w = w * inputGain.expand(batch, inChannels).unsqueeze(1).unsqueeze(3).unsqueeze(4);
            var y = nn.functional.conv2d(x.reshape(1, -1, x.shape[2], x.shape[3]), w.reshape(-1, inChannels, kh, kw).to(x.dtype),
                padding: new long[] { padding, padding }, groups: batch);
            return y.reshape(batch, -1, y.shape[2], y.shape[3]);
        });
}
