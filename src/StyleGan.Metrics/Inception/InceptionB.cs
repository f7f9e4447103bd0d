using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>torchvision's InceptionB (<c>Mixed_6a</c>, unchanged in pytorch-fid): 35x35 to 17x17, with a max-pool branch.</summary>
sealed class InceptionB : InceptionBlock
{
    readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    /// <param name="name">The block's state-dict name.</param>
    /// <param name="inChannels">Channels of the input, which the max-pool branch passes on.</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    public InceptionB(string name, long inChannels, InceptionWidth width) : base(name, width)
    {
        branch3x3 = Conv("branch3x3", inChannels, 384, (3, 3), stride: 2);
        branch3x3dbl_1 = Conv("branch3x3dbl_1", inChannels, 64, (1, 1));
        branch3x3dbl_2 = Conv("branch3x3dbl_2", branch3x3dbl_1.OutChannels, 96, (3, 3), padding: (1, 1));
        branch3x3dbl_3 = Conv("branch3x3dbl_3", branch3x3dbl_2.OutChannels, 96, (3, 3), stride: 2);
        OutChannels = branch3x3.OutChannels + branch3x3dbl_3.OutChannels + inChannels;
    }

    public override Tensor forward(Tensor x) => Intermediates.Keep(() => cat([
        branch3x3.forward(x),
        branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
        nn.functional.max_pool2d(x, 3, stride: 2),
    ], 1));
}
