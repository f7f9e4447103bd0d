using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace StyleGan.Runtime;

/// <summary>Which kernels compute CPU convolutions in this process.</summary>
public enum ConvolutionKernels
{
    /// <summary>libtorch's default, oneDNN; checked to compute correct float32 results on this CPU.</summary>
    OneDnn,
    /// <summary>oneDNN gave wrong results on this CPU and was switched off; libtorch's own (im2col + GEMM) kernels compute.</summary>
    LibTorch,
}

/// <summary>
/// Checks once per process that libtorch's CPU convolutions are correct in float32, and switches oneDNN off where
/// they are not. libtorch 2.10's oneDNN 3.7.1 computes wrong float32 convolutions on AMD EPYC family 26 (Zen 5)
/// virtual machines whose CPUID describes no caches (forward, input and weight gradients off by 5-60% and sometimes
/// NaN, wherever a channel count is not a multiple of 16); <see cref="OneDnnCacheTopology"/> says why and repairs it
/// before the check runs, so that oneDNN stays on there too. The check stays, for faults not yet met.
/// <see cref="KernelsVariable"/> makes any machine run libtorch's own kernels, so that a machine where oneDNN is right
/// can test what the others compute. Everything that convolves calls <see cref="Ensure"/> first.
/// </summary>
public static class ConvolutionCheck
{
    /// <summary>
    /// The environment variable that chooses the kernels: unset or <c>auto</c>, oneDNN where it checks out (else
    /// libtorch's own); <c>libtorch</c>, libtorch's own kernels whatever the check would find.
    /// </summary>
    public const string KernelsVariable = "STYLEGAN_CONV_KERNELS";

    // Relative error far above float32 rounding (about 1e-7 here) and far below what the fault gives.
    const double Tolerance = 1e-4;

    static readonly Lazy<ConvolutionKernels> kernels = new(Choose);

    static bool forcedLibTorch;
    static string reason = "";

    /// <summary>Runs the check once per process and returns which kernels compute convolutions.</summary>
    public static ConvolutionKernels Ensure() => forcedLibTorch ? ConvolutionKernels.LibTorch : kernels.Value;

    /// <summary>Whether oneDNN's misread cache sizes were repaired in this process (see <see cref="OneDnnCacheTopology"/>).</summary>
    public static bool CacheTopologyRepaired { get; private set; }

    /// <summary>Which kernels compute convolutions in this process and why, in words.</summary>
    public static string Describe()
    {
        Ensure();
        return reason;
    }

    /// <summary>
    /// Switches oneDNN off for the rest of the process whatever the check found, as the check does where oneDNN is
    /// wrong, so that the bench can measure on any CPU the kernels those CPUs run.
    /// </summary>
    public static ConvolutionKernels UseLibTorchKernels()
    {
        Ensure();
        LibTorchContext.SwitchOffOneDnnAndNnpack();
        forcedLibTorch = true;
        reason = "libtorch's own kernels (chosen by the caller)";
        return ConvolutionKernels.LibTorch;
    }

    static ConvolutionKernels Choose()
    {
        switch (Environment.GetEnvironmentVariable(KernelsVariable)?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return CheckAndRepair();
            case "libtorch":
                LibTorchContext.SwitchOffOneDnnAndNnpack();
                reason = $"libtorch's own kernels (chosen by ${KernelsVariable})";
                return ConvolutionKernels.LibTorch;
            case var other:
                throw new InvalidValueException($"${KernelsVariable}",
                    $"'{other}' is not a choice of kernels: set it to auto (oneDNN where it computes right) or libtorch (libtorch's own kernels), or unset it.");
        }
    }

    static ConvolutionKernels CheckAndRepair()
    {
        // NNPACK reads the caches from the same CPUID leaves; where they are empty it cannot initialize, and libtorch,
        // which tries it for some convolutions oneDNN does not take, prints a warning at every try.
        if (OneDnnCacheTopology.IsMisread()) LibTorchContext.SwitchOffNnpack();
        CacheTopologyRepaired = OneDnnCacheTopology.Repair();
        double error = LargestRelativeError();
        if (error <= Tolerance)
        {
            reason = CacheTopologyRepaired
                ? "oneDNN (float32 results checked), with its default cache sizes: this CPU's CPUID describes no caches, which oneDNN misreads as caches of one byte"
                : "oneDNN (float32 results checked)";
            return ConvolutionKernels.OneDnn;
        }
        try
        {
            LibTorchContext.SwitchOffOneDnnAndNnpack();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            throw new InvalidOperationException(
                $"libtorch's oneDNN convolutions give wrong float32 results on this CPU (relative error {error:G3}) and could not be " +
                $"switched off ({e.Message}). Set ONEDNN_MAX_CPU_ISA=SSE41 in the environment and run again.", e);
        }
        double repaired = LargestRelativeError();
        if (repaired > Tolerance)
            throw new InvalidOperationException(
                $"libtorch's CPU convolutions give wrong float32 results on this CPU (relative error {repaired:G3}), with and without oneDNN. " +
                "Set ONEDNN_MAX_CPU_ISA=SSE41 in the environment and run again.");
        reason = $"libtorch's own kernels (oneDNN gave wrong float32 results on this CPU, relative error {error:G3}, and was switched off)";
        return ConvolutionKernels.LibTorch;
    }

    /// <summary>
    /// A 3x3 convolution with 17 input and 3 output channels (counts that do not fill oneDNN's channel blocks) and a
    /// strided transposed convolution, with their input and weight gradients, against the same sums written as
    /// unfold/fold and matrix products (which oneDNN does not compute; a float64 convolution would try NNPACK, which
    /// warns on CPUs it does not support).
    /// </summary>
    static double LargestRelativeError()
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var generator = new Generator().manual_seed(0);
        var x = randn(new long[] { 2, 17, 8, 8 }, generator: generator);
        var w = randn(new long[] { 3, 17, 3, 3 }, generator: generator);
        var wt = randn(new long[] { 17, 3, 3, 3 }, generator: generator);

        var convolved = WithGradients(x, w, wt,
            (x, w) => nn.functional.conv2d(x, w, padding: new long[] { 1, 1 }),
            (x, wt) => nn.functional.conv_transpose2d(x, wt, strides: new long[] { 2, 2 }));
        var multiplied = WithGradients(x.to(float64), w.to(float64), wt.to(float64), Conv2dByMatmul, ConvTranspose2dByMatmul);
        return convolved.Zip(multiplied).Max(pair =>
        {
            double scale = pair.Second.abs().max().item<double>();
            double error = (pair.First.to(float64) - pair.Second).abs().max().item<double>();
            return double.IsFinite(error) ? error / scale : double.PositiveInfinity;
        });
    }

    static Tensor[] WithGradients(Tensor x, Tensor w, Tensor wt, Func<Tensor, Tensor, Tensor> conv, Func<Tensor, Tensor, Tensor> convTranspose)
    {
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        wt = wt.detach().requires_grad_(true);
        var y = conv(x, w);
        var yt = convTranspose(x, wt);
        (y.square().sum() + yt.square().sum()).backward();
        return new[] { y, yt, x.grad!, w.grad!, wt.grad! };
    }

    /// <summary>conv2d with a 3x3 kernel, stride 1, padding 1.</summary>
    static Tensor Conv2dByMatmul(Tensor x, Tensor w)
    {
        var columns = nn.functional.unfold(x, kernel_size: 3, padding: 1);
        return w.reshape(w.shape[0], -1).matmul(columns).reshape(x.shape[0], w.shape[0], x.shape[2], x.shape[3]);
    }

    /// <summary>conv_transpose2d with a 3x3 kernel, stride 2, no padding.</summary>
    static Tensor ConvTranspose2dByMatmul(Tensor x, Tensor wt)
    {
        long batch = x.shape[0], inChannels = wt.shape[0], outChannels = wt.shape[1], height = x.shape[2], width = x.shape[3];
        var columns = wt.reshape(inChannels, outChannels * 9).t().matmul(x.reshape(batch, inChannels, height * width));
        return nn.functional.fold(columns, output_size: ((height - 1) * 2 + 3, (width - 1) * 2 + 3), kernel_size: (3, 3), stride: (2, 2));
    }

    /// <summary>libtorch's global context (ATen's C++ API; TorchSharp exposes no switch for oneDNN).</summary>
    static class LibTorchContext
    {
        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        static extern IntPtr GlobalContext();

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        /// <remarks>
        /// Without oneDNN, libtorch tries NNPACK next for some shapes; NNPACK does not initialize on these CPUs and
        /// prints a warning at every try, so it goes too and libtorch's im2col + GEMM kernels compute.
        /// </remarks>
        public static void SwitchOffOneDnnAndNnpack()
        {
            SetUserEnabledMkldnn(GlobalContext(), false);
            SwitchOffNnpack();
        }

        public static void SwitchOffNnpack() => SetUserEnabledNnpack(GlobalContext(), false);
    }
}
