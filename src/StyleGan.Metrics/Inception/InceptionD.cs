using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>torchvision's InceptionD (<c>Mixed_7a</c>, unchanged in pytorch-fid): 17x17 to 8x8, with a max-pool branch.</summary>
sealed class InceptionD : InceptionBlock
{
    readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    /// <param name="name">The block's state-dict name.</param>
    /// <param name="inChannels">Channels of the input, which the max-pool branch passes on.</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    public InceptionD(string name, long inChannels, InceptionWidth width) : base(name, width)
    {
        branch3x3_1 = Conv("branch3x3_1", inChannels, 192, (1, 1));
        branch3x3_2 = Conv("branch3x3_2", branch3x3_1.OutChannels, 320, (3, 3), stride: 2);
        branch7x7x3_1 = Conv("branch7x7x3_1", inChannels, 192, (1, 1));
        branch7x7x3_2 = Conv("branch7x7x3_2", branch7x7x3_1.OutChannels, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = Conv("branch7x7x3_3", branch7x7x3_2.OutChannels, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = Conv("branch7x7x3_4", branch7x7x3_3.OutChannels, 192, (3, 3), stride: 2);
        OutChannels = branch3x3_2.OutChannels + branch7x7x3_4.OutChannels + inChannels;
    }

    public override Tensor forward(Tensor x) => Intermediates.Keep(() => cat([
        branch3x3_2.forward(branch3x3_1.forward(x)),
        branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x)))),
        nn.functional.max_pool2d(x, 3, stride: 2),
    ], 1));
}
