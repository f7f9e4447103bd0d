using StyleGan.Ops;
using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Tests.Runtime;

/// <summary>
/// Float32 convolutions through our ops, with their gradients, against float64 (which libtorch never computes with
/// oneDNN). On the Zen 5 VMs these fail with oneDNN as libtorch ships it (channel counts that are not a multiple of
/// 16, at a batch above 1): they pass there because Runtime/OneDnnCacheTopology repaired oneDNN's cache sizes, or
/// because the convolution check switched oneDNN off.
/// </summary>
public sealed class ConvolutionCheckTests
{
    [Theory]
    [InlineData(3, 32, 1, 1, 2)]
    [InlineData(17, 3, 1, 1, 2)]
    [InlineData(20, 20, 1, 1, 4)]
    [InlineData(16, 3, 1, 1, 4)]
    [InlineData(32, 8, 2, 1, 2)]
    [InlineData(513, 64, 1, 1, 2)]
    [InlineData(48, 17, 1, 2, 2)]
    public void Float32ConvolutionAndGradientsEqualFloat64(int inChannels, int outChannels, int up, int down, int batch)
    {
        var generator = new Generator().manual_seed(inChannels * 100 + outChannels);
        using var x = randn(new long[] { batch, inChannels, 8, 8 }, generator: generator);
        using var w = randn(new long[] { outChannels, inChannels, 3, 3 }, generator: generator);
        var single = ConvolveWithGradients(x, w, up, down);
        var exact = ConvolveWithGradients(x.to(float64), w.to(float64), up, down);
        foreach (var (name, index) in new[] { ("y", 0), ("grad x", 1), ("grad w", 2) })
            Close.Assert(exact[index], single[index], $"{name} of {inChannels}->{outChannels}, up {up}, down {down}");
    }

    static Tensor[] ConvolveWithGradients(Tensor x, Tensor w, int up, int down)
    {
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        var f = up > 1 || down > 1 ? Upfirdn2d.SetupFilter().to(x.dtype) : null;
        var y = Conv2dResample.Apply(x, w, f, up: up, down: down, padding: 1);
        y.square().sum().backward();
        return new[] { y.detach(), x.grad!, w.grad! };
    }

    /// <summary>
    /// Where CPUID describes no caches (the Zen 5 VMs), oneDNN stays on with its cache sizes repaired: if a libtorch
    /// update moves the object the repair looks for, this says so instead of the process silently falling back to the
    /// slower kernels.
    /// </summary>
    [SkippableFact]
    public void OneDnnStaysOnWhereItMisreadsTheCaches()
    {
        Skip.IfNot(OneDnnCacheTopology.IsMisread(), "this CPU's CPUID describes its caches: oneDNN reads them right and nothing is repaired");
        Skip.If(Environment.GetEnvironmentVariable(ConvolutionCheck.KernelsVariable) is { Length: > 0 } chosen && chosen != "auto",
            $"${ConvolutionCheck.KernelsVariable} chose the kernels");
        Assert.Equal(ConvolutionKernels.OneDnn, ConvolutionCheck.Ensure());
        Assert.True(ConvolutionCheck.CacheTopologyRepaired, ConvolutionCheck.Describe());
    }
}
