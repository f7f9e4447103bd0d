using StyleGan.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Ops;

/// <summary>The 2019 family's normalizations against their formulas, in float64.</summary>
[Collection(ExactResults.Collection)]
public sealed class NormalizationTests
{
    [Fact]
    public void InstanceNormAndAdainEqualTheirFormulas()
    {
        var random = new torch.Generator(3);
        var x = randn(new long[] { 2, 3, 4, 5 }, dtype: float64, generator: random) * 3 + 1;
        var styles = randn(new long[] { 2, 6 }, dtype: float64, generator: random);
        var normalized = Normalization.InstanceNorm(x);
        var adain = Normalization.StyleModulate(normalized, styles);
        var xs = x.data<double>().ToArray();
        var ns = normalized.data<double>().ToArray();
        var ys = adain.data<double>().ToArray();
        var ss = styles.data<double>().ToArray();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
            {
                var map = Enumerable.Range(0, 20).Select(i => xs[(n * 3 + c) * 20 + i]).ToArray();
                double mu = map.Average(), sigma = Math.Sqrt(map.Select(v => (v - mu) * (v - mu)).Average() + 1e-8);
                double scale = ss[n * 6 + c] + 1, bias = ss[n * 6 + 3 + c];
                for (int i = 0; i < 20; i++)
                {
                    Assert.Equal((map[i] - mu) / sigma, ns[(n * 3 + c) * 20 + i], 12);
                    Assert.Equal(scale * (map[i] - mu) / sigma + bias, ys[(n * 3 + c) * 20 + i], 12);
                }
            }
    }
}
