using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>Each loss term against values worked out by hand on tiny tensors.</summary>
public sealed class GanLossesTests
{
    [Fact]
    public void LogisticTermsAreSoftplusOfTheLogits()
    {
        var logits = tensor(new[] { 0f, MathF.Log(3) });
        // softplus(-0) = ln 2; softplus(-ln 3) = ln(1 + 1/3) = ln(4/3); softplus(ln 3) = ln 4.
        Assert.Equal(new[] { Math.Log(2), Math.Log(4.0 / 3) }, GanLosses.GeneratorLogistic(logits).data<float>().Select(v => (double)v), new Tolerance());
        Assert.Equal(new[] { Math.Log(2), Math.Log(4.0 / 3) }, GanLosses.DiscriminatorReal(logits).data<float>().Select(v => (double)v), new Tolerance());
        Assert.Equal(new[] { Math.Log(2), Math.Log(4.0) }, GanLosses.DiscriminatorFake(logits).data<float>().Select(v => (double)v), new Tolerance());
    }

    [Fact]
    public void R1IsTheSquaredGradientNormOfTheRealLogits()
    {
        // D(x) = sum(3 x^2) per sample: dD/dx = 6x, so R1 = 36 * sum(x^2) per sample.
        var x = tensor(new[] { 1f, 2f, 0f, -1f, 0.5f, 0.5f, 0f, 0f }).reshape(2, 1, 2, 2).requires_grad_(true);
        var logits = (x.square() * 3).sum(new long[] { 1, 2, 3 });
        var penalty = GanLosses.R1Penalty(logits, x);
        Assert.Equal(new[] { 36.0 * 6, 36.0 * 0.5 }, penalty.data<float>().Select(v => (double)v), new Tolerance());

        // It is differentiable, as the lazy R1 step needs: d(R1)/dx = 72x.
        penalty.sum().backward();
        Assert.Equal(new[] { 72.0, 144, 0, -72, 36, 36, 0, 0 }, x.grad!.data<float>().Select(v => (double)v), new Tolerance());
    }

    [Fact]
    public void PathLengthsAreTheNormOfTheJacobianTransposeTimesNoise()
    {
        // img = 2 * (sum of ws over layers), broadcast to a 1x1x2 image per sample: J^T y = 2 * sum(y) for every w.
        var ws = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }).reshape(2, 2, 2).requires_grad_(true); // [N=2, num_ws=2, w_dim=2]
        var img = (ws.sum(new long[] { 1 }) * 2).reshape(2, 1, 1, 2);
        var noise = tensor(new[] { 1f, 0f, 0.5f, -1f }).reshape(2, 1, 1, 2);
        // Sample 0: grad wrt each w = [2*1, 2*0] -> |g|^2 = 4 per layer -> length 2.
        // Sample 1: grad wrt each w = [2*0.5, 2*-1] -> |g|^2 = 5 per layer -> length sqrt(5).
        var lengths = GanLosses.PathLengths(img, ws, noise);
        Assert.Equal(new[] { 2.0, Math.Sqrt(5) }, lengths.data<float>().Select(v => (double)v), new Tolerance());
    }

    [Fact]
    public void GradientPenaltyIsTheSquaredDistanceOfTheGradientNormFromOne()
    {
        // D(x) = sum(3 x^2) per sample: |dD/dx| = 6 |x|, so the penalty is (6 |x| - 1)^2 per sample.
        var x = tensor(new[] { 1f, 2f, 0f, -1f, 0.5f, 0.5f, 0f, 0f }).reshape(2, 1, 2, 2).requires_grad_(true);
        var logits = (x.square() * 3).sum(new long[] { 1, 2, 3 });
        var penalty = GanLosses.GradientPenalty(logits, x);
        Assert.Equal(new[] { Math.Pow(6 * Math.Sqrt(6) - 1, 2), Math.Pow(6 * Math.Sqrt(0.5) - 1, 2) }, penalty.data<float>().Select(v => (double)v), new Tolerance());
        // Differentiable, as the D step needs: d/dx (6|x| - 1)^2 = 2 (6|x| - 1) * 6 x / |x|.
        penalty.sum().backward();
        double first = 2 * (6 * Math.Sqrt(6) - 1) * 6 / Math.Sqrt(6);
        Assert.Equal(first * 2, x.grad!.data<float>()[1], 3);
    }

    [Fact]
    public void WassersteinTermsAreTheLogitsWithProgressiveGansDrift()
    {
        var logits = tensor(new[] { 2f, -3f });
        Assert.Equal(new[] { -2.0, 3 }, GanLosses.GeneratorWasserstein(logits).data<float>().Select(v => (double)v), new Tolerance());
        Assert.Equal(new[] { 2.0, -3 }, GanLosses.DiscriminatorWassersteinFake(logits).data<float>().Select(v => (double)v), new Tolerance());
        // -D(x) + epsilon D(x)^2 with epsilon 0.001.
        Assert.Equal(new[] { -2 + 0.004, 3 + 0.009 }, GanLosses.DiscriminatorWassersteinReal(logits, 0.001).data<float>().Select(v => (double)v), new Tolerance());
    }

    sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(a));
        public int GetHashCode(double value) => 0;
    }
}
