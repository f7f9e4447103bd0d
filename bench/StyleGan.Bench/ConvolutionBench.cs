using Spectre.Console;
using static TorchSharp.torch;

namespace StyleGan.Bench;

/// <summary>One convolution shape, timed forward and backward by libtorch's conv2d and by unfold + matrix product.</summary>
/// <param name="PyTorchSeconds">The same conv2d on Debian's PyTorch in the same bench run (<see cref="OfficialBaseline"/>), where it is installed.</param>
public sealed record ConvolutionResult(string Shape, string Kernels, double LibTorchSeconds, double MatmulSeconds, double Gflop, double? PyTorchSeconds);

/// <summary>
/// Where oneDNN is wrong (the Zen 5 class), libtorch's own convolution kernels compute; matrix products stay correct
/// and fast there. This compares the two ways for the 3x3 convolutions of training at the bench shapes: libtorch's
/// conv2d (oneDNN, or its fallback with --kernels libtorch) against the same sum as unfold + matmul, and against
/// Debian's PyTorch 1.13 (whose older oneDNN is right on every class seen) where python3-torch is installed.
/// </summary>
public static class ConvolutionBench
{
    // As measure_official.py's CONVOLUTIONS, which measures the same shapes on PyTorch.
    static readonly (string Name, int Batch, int Channels, int Size)[] Shapes =
    [
        ("cifar32 b8 (512 ch, 8x8)", 16, 512, 8),
        ("cifar32 b32 (512 ch, 32x32)", 16, 512, 32),
        ("small64 b32 (128 ch, 32x32)", 16, 128, 32),
        ("small64 b64 (64 ch, 64x64)", 16, 64, 64),
    ];

    public static List<ConvolutionResult> Run(string kernels, int warmup, int iters, int threads)
    {
        var pytorch = new Dictionary<string, double>();
        if (OfficialBaseline.Unavailable() is string why) Console.WriteLine($"No PyTorch column: {why}.");
        else
            foreach (var row in OfficialBaseline.Measure(threads, "_convolutions", "--iters", iters.ToString()).GetProperty("rows").EnumerateArray())
                pytorch[row.GetProperty("shape").GetString()!] = row.GetProperty("seconds").GetDouble();
        var results = new List<ConvolutionResult>();
        foreach (var (name, batch, channels, size) in Shapes)
        {
            using var scope = NewDisposeScope();
            var x = randn(batch, channels, size, size).requires_grad_(true);
            var w = randn(channels, channels, 3, 3).requires_grad_(true);
            double Time(Func<Tensor> conv) => Measure.Seconds(warmup, iters, () =>
            {
                using var step = NewDisposeScope();
                conv().square().sum().backward();
            });
            double libtorch = Time(() => nn.functional.conv2d(x, w, padding: new long[] { 1, 1 }));
            double matmul = Time(() => w.reshape(channels, -1).matmul(nn.functional.unfold(x, kernel_size: 3, padding: 1)).reshape(batch, channels, size, size));
            double gflop = 3 * 2.0 * batch * channels * channels * 9 * size * size / 1e9; // forward, input and weight gradients
            results.Add(new ConvolutionResult(name, kernels, libtorch, matmul, gflop, pytorch.TryGetValue(name, out var seconds) ? seconds : null));
        }
        return results;
    }

    public static Table Table(IEnumerable<ConvolutionResult> results, int threads)
    {
        var table = new Table().Title($"3x3 convolution, forward + backward, batch 16 ({threads} threads)");
        foreach (var column in new[] { "shape", "kernels", "conv2d s", "unfold + matmul s", "PyTorch 1.13 s", "conv2d GFLOP/s", "unfold + matmul GFLOP/s", "PyTorch 1.13 GFLOP/s" })
            table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Shape), r.Kernels, $"{r.LibTorchSeconds:F3}", $"{r.MatmulSeconds:F3}", r.PyTorchSeconds is double p ? $"{p:F3}" : "-",
                $"{r.Gflop / r.LibTorchSeconds:F1}", $"{r.Gflop / r.MatmulSeconds:F1}", r.PyTorchSeconds is double q ? $"{r.Gflop / q:F1}" : "-");
        return table;
    }
}
