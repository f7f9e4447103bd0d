using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Metrics.Inception;

/// <summary>
/// pytorch-fid's FIDInceptionE_1 (<c>Mixed_7b</c>) and FIDInceptionE_2 (<c>Mixed_7c</c>): torchvision's InceptionE
/// (split 3x1 and 1x3 convolutions) whose pool branch either averages without the padded zeros (E_1, TensorFlow's
/// average pool) or takes the maximum (E_2: the TensorFlow graph the weights come from has a max pool there, which
/// pytorch-fid reproduces; the paper has an average).
/// </summary>
sealed class FidInceptionE : InceptionBlock
{
    readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;
    readonly bool maxPool;

    /// <param name="name">The block's state-dict name.</param>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="maxPool">The pool branch takes the maximum (E_2) instead of the average (E_1).</param>
    /// <param name="width">Gives each convolution's output channels.</param>
    public FidInceptionE(string name, long inChannels, bool maxPool, InceptionWidth width) : base(name, width)
    {
        this.maxPool = maxPool;
        branch1x1 = Conv("branch1x1", inChannels, 320, (1, 1));
        branch3x3_1 = Conv("branch3x3_1", inChannels, 384, (1, 1));
        branch3x3_2a = Conv("branch3x3_2a", branch3x3_1.OutChannels, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = Conv("branch3x3_2b", branch3x3_1.OutChannels, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = Conv("branch3x3dbl_1", inChannels, 448, (1, 1));
        branch3x3dbl_2 = Conv("branch3x3dbl_2", branch3x3dbl_1.OutChannels, 384, (3, 3), padding: (1, 1));
        branch3x3dbl_3a = Conv("branch3x3dbl_3a", branch3x3dbl_2.OutChannels, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = Conv("branch3x3dbl_3b", branch3x3dbl_2.OutChannels, 384, (3, 1), padding: (1, 0));
        branch_pool = Conv("branch_pool", inChannels, 192, (1, 1));
        OutChannels = branch1x1.OutChannels + branch3x3_2a.OutChannels + branch3x3_2b.OutChannels
            + branch3x3dbl_3a.OutChannels + branch3x3dbl_3b.OutChannels + branch_pool.OutChannels;
    }

    // torchvision concatenates 2a with 2b and 3a with 3b first, then the four branches: one concatenation of the six
    // in that order is the same tensor.
    public override Tensor forward(Tensor x) => Intermediates.Keep(() =>
    {
        var branch3x3 = branch3x3_1.forward(x);
        var branch3x3dbl = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        var pooled = maxPool
            ? nn.functional.max_pool2d(x, 3, stride: 1, padding: 1)
            : nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
        return cat([
            branch1x1.forward(x),
            branch3x3_2a.forward(branch3x3), branch3x3_2b.forward(branch3x3),
            branch3x3dbl_3a.forward(branch3x3dbl), branch3x3dbl_3b.forward(branch3x3dbl),
            branch_pool.forward(pooled),
        ], 1);
    });
}
