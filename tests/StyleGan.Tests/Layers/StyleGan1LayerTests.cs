using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Layers;

/// <summary>The 2019 synthesis layer against the formulas of networks_stylegan.py, in their order.</summary>
[Collection(ExactResults.Collection)]
public sealed class StyleGan1LayerTests
{
    // networks_stylegan.py: Conv0_up is layer_epilogue(blur(upscale2d_conv2d(x))), 4x4/Conv and Conv1 layer_epilogue(conv2d(x)): unblurred.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LayerEpilogueRunsInTheOriginalOrder(bool up)
    {
        manual_seed(5);
        using var layer = new StyleGan1Layer(3, 4, 8, 8, input: null, up: up, blur: true, SynthesisNormalization.Adain, useNoise: true);
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            parameters["noise_strength"].copy_(tensor(new[] { 0.5f, -1f, 2f, 0.1f }));
            parameters["bias"].copy_(tensor(new[] { 0.3f, -0.2f, 0f, 1f }));
        }
        var x = up ? randn(2, 3, 4, 4) : randn(2, 3, 8, 8);
        var w = randn(2, 8);
        var actual = layer.forward(x, w, new SynthesisCall(NoiseMode.Const));

        // (nearest up,) conv (equalized lr), (blur after up-sampling only); + noise * per-channel weight; + bias, leaky ReLU (gain sqrt 2); instance norm; AdaIN.
        var y = up ? BoxResample.Blur(nn.functional.conv2d(BoxResample.UpscaleNearest(x), parameters["weight"] / Math.Sqrt(27), padding: new long[] { 1, 1 }))
            : nn.functional.conv2d(x, parameters["weight"] / Math.Sqrt(27), padding: new long[] { 1, 1 });
        y = y + layer.NoiseConst! * parameters["noise_strength"].reshape(1, 4, 1, 1);
        y = nn.functional.leaky_relu(y + parameters["bias"].reshape(1, 4, 1, 1), 0.2) * Math.Sqrt(2);
        var mean = y.mean(new long[] { 2, 3 }, keepdim: true);
        y = (y - mean) / ((y - mean).square().mean(new long[] { 2, 3 }, keepdim: true) + 1e-8).sqrt();
        var styles = w.matmul((parameters["affine.weight"] / Math.Sqrt(8)).t()) + parameters["affine.bias"];
        y = y * (styles.narrow(1, 0, 4) + 1).reshape(2, 4, 1, 1) + styles.narrow(1, 4, 4).reshape(2, 4, 1, 1);
        Assert.True(actual.allclose(y, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - y).abs().max().item<float>():E2}");
    }
}
