using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>
/// pytorch-fid's FIDInceptionA (<c>Mixed_5b</c>, <c>Mixed_5c</c>, <c>Mixed_5d</c>): torchvision's InceptionA whose
/// pool branch averages without the padded zeros (<c>count_include_pad=False</c>), as TensorFlow's average pool does.
/// </summary>
sealed class FidInceptionA : InceptionBlock
{
    readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    /// <param name="name">The block's state-dict name.</param>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="poolFeatures">The pool branch's output channels in the published network (32 or 64).</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    public FidInceptionA(string name, long inChannels, long poolFeatures, InceptionWidth width) : base(name, width)
    {
        branch1x1 = Conv("branch1x1", inChannels, 64, (1, 1));
        branch5x5_1 = Conv("branch5x5_1", inChannels, 48, (1, 1));
        branch5x5_2 = Conv("branch5x5_2", branch5x5_1.OutChannels, 64, (5, 5), padding: (2, 2));
        branch3x3dbl_1 = Conv("branch3x3dbl_1", inChannels, 64, (1, 1));
        branch3x3dbl_2 = Conv("branch3x3dbl_2", branch3x3dbl_1.OutChannels, 96, (3, 3), padding: (1, 1));
        branch3x3dbl_3 = Conv("branch3x3dbl_3", branch3x3dbl_2.OutChannels, 96, (3, 3), padding: (1, 1));
        branch_pool = Conv("branch_pool", inChannels, poolFeatures, (1, 1));
        OutChannels = branch1x1.OutChannels + branch5x5_2.OutChannels + branch3x3dbl_3.OutChannels + branch_pool.OutChannels;
    }

    public override Tensor forward(Tensor x) => Intermediates.Keep(() => cat([
        branch1x1.forward(x),
        branch5x5_2.forward(branch5x5_1.forward(x)),
        branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
        branch_pool.forward(nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false)),
    ], 1));
}
