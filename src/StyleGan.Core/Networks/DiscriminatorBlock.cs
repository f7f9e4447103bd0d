using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>One resolution of the discriminator: fromRGB (first block or skip), two convs (the second downsamples), residual skip.</summary>
public sealed class DiscriminatorBlock : nn.Module
{
    readonly Conv2dLayer? fromrgb;
    readonly Conv2dLayer conv0;
    readonly Conv2dLayer conv1;
    readonly Conv2dLayer? skip;
    readonly Tensor resample_filter;
    readonly int inChannels;
    readonly Architecture architecture;

    /// <param name="inChannels">Channels of the previous block (0 for the first block, which reads the image).</param>
    /// <param name="tmpChannels">Channels of the intermediate activations.</param>
    /// <param name="outChannels">Channels passed to the next block.</param>
    /// <param name="imgChannels">Image channels.</param>
    /// <param name="architecture">Orig, skip or resnet.</param>
    /// <param name="convClamp">Clamp of convolution outputs (null: none).</param>
    public DiscriminatorBlock(int inChannels, int tmpChannels, int outChannels, int imgChannels, Architecture architecture, double? convClamp)
        : base(nameof(DiscriminatorBlock))
    {
        this.inChannels = inChannels;
        this.architecture = architecture;
        resample_filter = Upfirdn2d.SetupFilter();
        register_buffer("resample_filter", resample_filter);
        if (inChannels == 0 || architecture == Architecture.Skip)
            register_module("fromrgb", fromrgb = new Conv2dLayer(imgChannels, tmpChannels, kernelSize: 1, activation: Activation.Lrelu, convClamp: convClamp));
        register_module("conv0", conv0 = new Conv2dLayer(tmpChannels, tmpChannels, kernelSize: 3, activation: Activation.Lrelu, convClamp: convClamp));
        register_module("conv1", conv1 = new Conv2dLayer(tmpChannels, outChannels, kernelSize: 3, activation: Activation.Lrelu, down: 2, convClamp: convClamp));
        if (architecture == Architecture.Resnet)
            register_module("skip", skip = new Conv2dLayer(tmpChannels, outChannels, kernelSize: 1, bias: false, down: 2));
    }

    /// <param name="x">Features of the previous block, or null for the first block.</param>
    /// <param name="img">The image at this block's resolution (first block, or skip architecture), else null.</param>
    public (Tensor X, Tensor? Img) forward(Tensor? x, Tensor? img) =>
        Intermediates.Keep(() =>
        {
            if (inChannels == 0 || architecture == Architecture.Skip)
            {
                var y = fromrgb!.forward(img!);
                x = x is null ? y : x + y;
                img = architecture == Architecture.Skip ? Upfirdn2d.Downsample2d(img!, resample_filter) : null;
            }

            if (architecture == Architecture.Resnet)
            {
                var y = skip!.forward(x!, gain: Math.Sqrt(0.5));
                x = conv0.forward(x!);
                x = conv1.forward(x, gain: Math.Sqrt(0.5));
                x = y + x;
            }
            else
            {
                x = conv1.forward(conv0.forward(x!));
            }
            return (x, img);
        });
}
