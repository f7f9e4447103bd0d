using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>
/// One of the Inception's mixed blocks (<c>Mixed_5b</c> .. <c>Mixed_7c</c>): branches of <see cref="BasicConv2d"/>
/// whose outputs are concatenated along the channels, in torchvision's order. Fields that hold modules carry their
/// state-dict names: TorchSharp also registers a module's module fields under their field names.
/// </summary>
abstract class InceptionBlock : nn.Module
{
    readonly InceptionWidth width;

    /// <param name="name">The block's state-dict name, e.g. <c>Mixed_5b</c>.</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    protected InceptionBlock(string name, InceptionWidth width) : base(name) => this.width = width;

    /// <summary>Channels of the output: the branches' channels added up.</summary>
    public long OutChannels { get; protected init; }

    /// <param name="x">Features [N, C, H, W].</param>
    public abstract Tensor forward(Tensor x);

    /// <summary>A convolution of the block, registered under <paramref name="branch"/>, of the width <c>width</c> gives.</summary>
    /// <param name="branch">Its name in the block, e.g. <c>branch1x1</c>.</param>
    /// <param name="inChannels">Channels of its input.</param>
    /// <param name="published">Its output channels in the published network.</param>
    /// <param name="kernel">Kernel height and width.</param>
    /// <param name="stride">Step in both directions.</param>
    /// <param name="padding">Zeros above and below, and left and right.</param>
    protected BasicConv2d Conv(string branch, long inChannels, long published, (long, long) kernel, long stride = 1, (long, long) padding = default)
    {
        var convolution = new BasicConv2d(inChannels, width($"{GetName()}.{branch}", published), kernel, stride, padding);
        register_module(branch, convolution);
        return convolution;
    }
}
