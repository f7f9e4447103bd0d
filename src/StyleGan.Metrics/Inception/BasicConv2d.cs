using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>
/// torchvision's BasicConv2d: a convolution without bias, a batch norm (eps 0.001, TensorFlow's) and a ReLU, under
/// torchvision's names (<c>conv.weight</c>; <c>bn.weight</c>, <c>bn.bias</c>, <c>bn.running_mean</c>,
/// <c>bn.running_var</c>, <c>bn.num_batches_tracked</c>). The batch norm always normalizes by its running statistics,
/// as in eval mode, the only mode FID measures in.
/// </summary>
sealed class BasicConv2d : nn.Module
{
    const double Epsilon = 0.001;

    readonly Conv2d conv;
    readonly BatchNorm2d bn;
    readonly long[] stride;
    readonly long[] padding;

    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="kernel">Kernel height and width.</param>
    /// <param name="stride">Step in both directions.</param>
    /// <param name="padding">Zeros added above and below, and left and right.</param>
    public BasicConv2d(long inChannels, long outChannels, (long Height, long Width) kernel, long stride = 1, (long Rows, long Columns) padding = default)
        : base(nameof(BasicConv2d))
    {
        OutChannels = outChannels;
        this.stride = [stride, stride];
        this.padding = [padding.Rows, padding.Columns];
        register_module("conv", conv = nn.Conv2d(inChannels, outChannels, kernel, stride: (stride, stride), padding: (padding.Rows, padding.Columns), bias: false));
        register_module("bn", bn = nn.BatchNorm2d(outChannels, eps: Epsilon));
    }

    /// <summary>Channels of the output.</summary>
    public long OutChannels { get; }

    /// <param name="x">Features [N, in, H, W], float32 or float64.</param>
    public Tensor forward(Tensor x) => Intermediates.Keep(() =>
    {
        var dtype = x.dtype;
        var y = nn.functional.conv2d(x, conv.weight!.to(dtype), strides: stride, padding: padding);
        // The ReLU overwrites the batch norm's output, as torchvision's F.relu(inplace=True) does.
        return nn.functional.batch_norm(y, bn.running_mean!.to(dtype), bn.running_var!.to(dtype), bn.weight!.to(dtype), bn.bias!.to(dtype),
            training: false, eps: Epsilon).relu_();
    });
}
