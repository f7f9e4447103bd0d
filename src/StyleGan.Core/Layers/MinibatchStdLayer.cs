using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>
/// Appends the standard deviation across groups of samples as extra feature maps, so the discriminator
/// can see a lack of variety in a minibatch.
/// </summary>
public sealed class MinibatchStdLayer : nn.Module<Tensor, Tensor>
{
    readonly int? groupSize;
    readonly int numChannels;

    /// <param name="groupSize">Samples per group (the whole batch when null or larger).</param>
    /// <param name="numChannels">Number of stddev feature maps to append (channels are split into that many groups).</param>
    public MinibatchStdLayer(int? groupSize, int numChannels = 1) : base(nameof(MinibatchStdLayer))
    {
        this.groupSize = groupSize;
        this.numChannels = numChannels;
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long g = groupSize is int size ? Math.Min(size, n) : n;
        long f = numChannels;
        var y = x.reshape(g, -1, f, c / f, h, w);           // [G, n, F, c, H, W]
        y = y - y.mean(new long[] { 0 });                   // subtract the group mean
        y = y.square().mean(new long[] { 0 });              // variance over the group
        y = (y + 1e-8).sqrt();                              // stddev
        y = y.mean(new long[] { 2, 3, 4 });                 // [n, F]: average over channels and pixels
        y = y.reshape(-1, f, 1, 1).repeat(g, 1, h, w);      // [N, F, H, W]
        return cat(new[] { x, y }, 1);
    }
}
