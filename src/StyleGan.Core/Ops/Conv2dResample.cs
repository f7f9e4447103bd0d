using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// 2D convolution with optional FIR up/downsampling, choosing the cheapest equivalent formulation
/// (StyleGAN2-ADA's torch_utils/ops/conv2d_resample.py).
/// </summary>
public static class Conv2dResample
{
    /// <param name="x">Input [N, C*groups, H, W].</param>
    /// <param name="w">Weight [O, C, kh, kw].</param>
    /// <param name="f">FIR filter for resampling; null only when up == down == 1.</param>
    /// <param name="up">Integer upsampling factor.</param>
    /// <param name="down">Integer downsampling factor.</param>
    /// <param name="padding">Padding with respect to the upsampled image.</param>
    /// <param name="groups">Split input channels into this many groups.</param>
    /// <param name="flipWeight">False = true convolution, true = correlation (what conv2d computes).</param>
    /// <param name="flipFilter">False = convolution with f, true = correlation.</param>
    public static Tensor Apply(Tensor x, Tensor w, Tensor? f = null, int up = 1, int down = 1, int padding = 0, int groups = 1, bool flipWeight = true, bool flipFilter = false) =>
        Intermediates.Keep(() =>
        {
            ConvolutionCheck.Ensure();
            long outChannels = w.shape[0], inChannelsPerGroup = w.shape[1], kh = w.shape[2], kw = w.shape[3];
            var (fw, fh) = Upfirdn2d.FilterSize(f);
            int px0 = padding, px1 = padding, py0 = padding, py1 = padding;
            if (up > 1)
            {
                px0 += (fw + up - 1) / 2; px1 += (fw - up) / 2;
                py0 += (fh + up - 1) / 2; py1 += (fh - up) / 2;
            }
            if (down > 1)
            {
                px0 += (fw - down + 1) / 2; px1 += (fw - down) / 2;
                py0 += (fh - down + 1) / 2; py1 += (fh - down) / 2;
            }

            // 1x1 kernel with downsampling only: downsample first, then convolve.
            if (kw == 1 && kh == 1 && down > 1 && up == 1)
            {
                x = Upfirdn2d.Apply(x, f!, down: down, padding: new Padding(px0, px1, py0, py1), flipFilter: flipFilter);
                return Convolve(x, w, groups: groups, flipWeight: flipWeight);
            }

            // 1x1 kernel with upsampling only: convolve first, then upsample.
            if (kw == 1 && kh == 1 && up > 1 && down == 1)
            {
                x = Convolve(x, w, groups: groups, flipWeight: flipWeight);
                return Upfirdn2d.Apply(x, f!, up: up, padding: new Padding(px0, px1, py0, py1), gain: up * up, flipFilter: flipFilter);
            }

            // Downsampling only: filter, then strided convolution.
            if (down > 1 && up == 1)
            {
                x = Upfirdn2d.Apply(x, f!, padding: new Padding(px0, px1, py0, py1), flipFilter: flipFilter);
                return Convolve(x, w, stride: down, groups: groups, flipWeight: flipWeight);
            }

            // Upsampling (with optional downsampling): transposed strided convolution, then filter.
            if (up > 1)
            {
                if (groups == 1)
                    w = w.transpose(0, 1);
                else
                    w = w.reshape(groups, outChannels / groups, inChannelsPerGroup, kh, kw).transpose(1, 2)
                         .reshape(groups * inChannelsPerGroup, outChannels / groups, kh, kw);
                px0 -= (int)kw - 1; px1 -= (int)kw - up;
                py0 -= (int)kh - 1; py1 -= (int)kh - up;
                int pxt = Math.Max(Math.Min(-px0, -px1), 0);
                int pyt = Math.Max(Math.Min(-py0, -py1), 0);
                x = Convolve(x, w, stride: up, paddingY: pyt, paddingX: pxt, groups: groups, transpose: true, flipWeight: !flipWeight);
                x = Upfirdn2d.Apply(x, f!, padding: new Padding(px0 + pxt, px1 + pxt, py0 + pyt, py1 + pyt), gain: up * up, flipFilter: flipFilter);
                if (down > 1) x = Upfirdn2d.Apply(x, f!, down: down, flipFilter: flipFilter);
                return x;
            }

            // No resampling and symmetric padding: plain convolution.
            if (px0 == px1 && py0 == py1 && px0 >= 0 && py0 >= 0)
                return Convolve(x, w, paddingY: py0, paddingX: px0, groups: groups, flipWeight: flipWeight);

            // General case (asymmetric padding): pad with upfirdn2d, then convolve.
            var identity = Upfirdn2d.SetupFilter(new float[] { 1 }, x.device);
            x = Upfirdn2d.Apply(x, identity, padding: new Padding(px0, px1, py0, py1));
            return Convolve(x, w, groups: groups, flipWeight: flipWeight);
        });

    static Tensor Convolve(Tensor x, Tensor w, int stride = 1, int paddingY = 0, int paddingX = 0, int groups = 1, bool transpose = false, bool flipWeight = true)
    {
        if (!flipWeight) w = w.flip(2, 3);
        var strides = new long[] { stride, stride };
        var padding = new long[] { paddingY, paddingX };
        return transpose
            ? nn.functional.conv_transpose2d(x, w, strides: strides, padding: padding, groups: groups)
            : nn.functional.conv2d(x, w, strides: strides, padding: padding, groups: groups);
    }
}
