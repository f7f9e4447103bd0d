using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>The discriminator's 4x4 head: minibatch stddev, conv, two fully connected layers, label projection.</summary>
public sealed class DiscriminatorEpilogue : nn.Module
{
    readonly Conv2dLayer? fromrgb;
    readonly MinibatchStdLayer? mbstd;
    readonly Conv2dLayer conv;
    readonly FullyConnectedLayer fc;
    readonly FullyConnectedLayer @out;
    readonly int cmapDim;
    readonly Architecture architecture;

    /// <param name="inChannels">Channels at 4x4.</param>
    /// <param name="cmapDim">Size of the label projection (0: unconditional).</param>
    /// <param name="resolution">Resolution of the epilogue (4).</param>
    /// <param name="imgChannels">Image channels (skip architecture reads the image again).</param>
    /// <param name="architecture">Orig, skip or resnet.</param>
    /// <param name="config">Minibatch stddev group size and channels.</param>
    /// <param name="convClamp">Clamp of convolution outputs (null: none).</param>
    /// <param name="growing">A fromRGB for a growing network at its lowest level of detail.</param>
    public DiscriminatorEpilogue(int inChannels, int cmapDim, int resolution, int imgChannels, Architecture architecture, EpilogueConfig config, double? convClamp,
        bool growing = false) : base(nameof(DiscriminatorEpilogue))
    {
        this.cmapDim = cmapDim;
        this.architecture = architecture;
        if (architecture == Architecture.Skip || growing)
            register_module("fromrgb", fromrgb = new Conv2dLayer(imgChannels, inChannels, kernelSize: 1, activation: Activation.Lrelu));
        if (config.MbstdNumChannels > 0)
            register_module("mbstd", mbstd = new MinibatchStdLayer(config.MbstdGroupSize, config.MbstdNumChannels));
        register_module("conv", conv = new Conv2dLayer(inChannels + config.MbstdNumChannels, inChannels, kernelSize: 3, activation: Activation.Lrelu, convClamp: convClamp));
        register_module("fc", fc = new FullyConnectedLayer(inChannels * resolution * resolution, inChannels, activation: Activation.Lrelu));
        register_module("out", @out = new FullyConnectedLayer(inChannels, cmapDim == 0 ? 1 : cmapDim));
    }

    /// <summary>The epilogue's fromRGB applied to a 4x4 image (where a growing network at its lowest level of detail starts).</summary>
    public Tensor ReadImage(Tensor img) => (fromrgb ?? throw new InvalidOperationException("This epilogue has no fromRGB.")).forward(img);

    /// <param name="x">Features [N, C, 4, 4].</param>
    /// <param name="img">The 4x4 image (skip architecture), else null.</param>
    /// <param name="cmap">Label embedding [N, cmap_dim] (conditional), else null.</param>
    public Tensor forward(Tensor x, Tensor? img, Tensor? cmap) =>
        Intermediates.Keep(() =>
        {
            if (architecture == Architecture.Skip) x = x + fromrgb!.forward(img!);
            if (mbstd is not null) x = mbstd.forward(x);
            x = conv.forward(x);
            x = fc.forward(x.flatten(1));
            x = @out.forward(x);
            if (cmapDim > 0) x = (x * cmap!).sum(new long[] { 1 }, keepdim: true) * (1 / Math.Sqrt(cmapDim));
            return x;
        });
}
