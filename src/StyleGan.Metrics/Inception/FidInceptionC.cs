using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>
/// pytorch-fid's FIDInceptionC (<c>Mixed_6b</c> .. <c>Mixed_6e</c>): torchvision's InceptionC (factorized 7x7
/// convolutions) whose pool branch averages without the padded zeros, as TensorFlow's average pool does.
/// </summary>
sealed class FidInceptionC : InceptionBlock
{
    readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

    /// <param name="name">The block's state-dict name.</param>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="channels7x7">The 7x7 branches' inner channels in the published network (128, 160 or 192).</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    public FidInceptionC(string name, long inChannels, long channels7x7, InceptionWidth width) : base(name, width)
    {
        branch1x1 = Conv("branch1x1", inChannels, 192, (1, 1));
        branch7x7_1 = Conv("branch7x7_1", inChannels, channels7x7, (1, 1));
        branch7x7_2 = Conv("branch7x7_2", branch7x7_1.OutChannels, channels7x7, (1, 7), padding: (0, 3));
        branch7x7_3 = Conv("branch7x7_3", branch7x7_2.OutChannels, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = Conv("branch7x7dbl_1", inChannels, channels7x7, (1, 1));
        branch7x7dbl_2 = Conv("branch7x7dbl_2", branch7x7dbl_1.OutChannels, channels7x7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = Conv("branch7x7dbl_3", branch7x7dbl_2.OutChannels, channels7x7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = Conv("branch7x7dbl_4", branch7x7dbl_3.OutChannels, channels7x7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = Conv("branch7x7dbl_5", branch7x7dbl_4.OutChannels, 192, (1, 7), padding: (0, 3));
        branch_pool = Conv("branch_pool", inChannels, 192, (1, 1));
        OutChannels = branch1x1.OutChannels + branch7x7_3.OutChannels + branch7x7dbl_5.OutChannels + branch_pool.OutChannels;
    }

    public override Tensor forward(Tensor x) => Intermediates.Keep(() => cat([
        branch1x1.forward(x),
        branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))),
        branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(branch7x7dbl_1.forward(x))))),
        branch_pool.forward(nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false)),
    ], 1));
}
