using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// One resolution of the discriminator: fromRGB (first block, skip, or every block of a growing network), two convs
/// (the second downsamples: with StyleGAN2's FIR filter, or average pooling after an optional [1,2,1] blur as in the
/// 2019 family), residual skip.
/// </summary>
public sealed class DiscriminatorBlock : nn.Module
{
    static readonly float[] AveragePool = { 1, 1 };

    readonly Conv2dLayer? fromrgb;
    readonly Conv2dLayer conv0;
    readonly Conv2dLayer conv1;
    readonly Conv2dLayer? skip;
    readonly Tensor? resample_filter;
    readonly Architecture architecture;
    readonly bool blur;

    /// <param name="inChannels">Channels of the previous block (0 for the first block, which reads the image).</param>
    /// <param name="tmpChannels">Channels of the intermediate activations.</param>
    /// <param name="outChannels">Channels passed to the next block.</param>
    /// <param name="imgChannels">Image channels.</param>
    /// <param name="architecture">Orig, skip or resnet.</param>
    /// <param name="convClamp">Clamp of convolution outputs (null: none).</param>
    /// <param name="resampling">FIR (StyleGAN2), average pooling (nearest), or blur and average pooling (nearest_blur).</param>
    /// <param name="growing">Every block has a fromRGB, used when the block is the first at the network's lod.</param>
    public DiscriminatorBlock(int inChannels, int tmpChannels, int outChannels, int imgChannels, Architecture architecture, double? convClamp,
        Resampling resampling = Resampling.Fir, bool growing = false) : base(nameof(DiscriminatorBlock))
    {
        this.architecture = architecture;
        blur = resampling == Resampling.NearestBlur;
        var downFilter = resampling == Resampling.Fir ? null : AveragePool;
        if (resampling == Resampling.Fir) register_buffer("resample_filter", resample_filter = Upfirdn2d.SetupFilter());
        if (inChannels == 0 || architecture == Architecture.Skip || growing)
            register_module("fromrgb", fromrgb = new Conv2dLayer(imgChannels, tmpChannels, kernelSize: 1, activation: Activation.Lrelu, convClamp: convClamp));
        register_module("conv0", conv0 = new Conv2dLayer(tmpChannels, tmpChannels, kernelSize: 3, activation: Activation.Lrelu, convClamp: convClamp));
        register_module("conv1", conv1 = new Conv2dLayer(tmpChannels, outChannels, kernelSize: 3, activation: Activation.Lrelu, down: 2,
            resampleFilter: downFilter, convClamp: convClamp));
        if (architecture == Architecture.Resnet)
            register_module("skip", skip = new Conv2dLayer(tmpChannels, outChannels, kernelSize: 1, bias: false, down: 2));
    }

    /// <summary>The block's layers in the order NVIDIA's DiscriminatorBlock numbers them for Freeze-D: fromRGB, conv0, conv1, skip.</summary>
    public IEnumerable<nn.Module> Layers => new nn.Module?[] { fromrgb, conv0, conv1, skip }.OfType<nn.Module>();

    /// <summary>The block's fromRGB applied to an image at its resolution (where a growing network starts).</summary>
    public Tensor ReadImage(Tensor img) => (fromrgb ?? throw new InvalidOperationException("This block has no fromRGB.")).forward(img);

    /// <param name="x">Features of the previous block, or null for the first block.</param>
    /// <param name="img">The image at this block's resolution (first block, or skip architecture), else null (a growing network reads it with <see cref="ReadImage"/>).</param>
    public (Tensor X, Tensor? Img) forward(Tensor? x, Tensor? img) =>
        Intermediates.Keep(() =>
        {
            if (img is not null)
            {
                var y = ReadImage(img);
                x = x is null ? y : x + y;
                img = architecture == Architecture.Skip ? Upfirdn2d.Downsample2d(img, resample_filter!) : null;
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
                x = conv0.forward(x!);
                x = conv1.forward(blur ? BoxResample.Blur(x) : x);
            }
            return (x, img);
        });
}
