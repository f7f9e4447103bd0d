using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>Mean, standard deviation and largest magnitude of a layer's output, over all its channels and over the shown ones.</summary>
public sealed record LayerStatistics(double Mean, double Std, double Max, double ShownMean, double ShownStd, double ShownMax);

/// <summary>An image of one layer's output, as StyleGAN3's visualizer shows it, with its statistics.</summary>
/// <param name="Image">uint8 [C, H, W], C = 1 or 3.</param>
/// <param name="Channel">The first channel shown.</param>
/// <param name="Statistics">Of the whole output and of the shown channels.</param>
public sealed record LayerImage(Tensor Image, int Channel, LayerStatistics Statistics) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>Turns a layer's features into a picture: three channels as RGB or one as gray, optionally normalised.</summary>
public static class LayerView
{
    /// <param name="output">The layer's output [1, C, H, W] (the first image of a batch is shown).</param>
    /// <param name="channel">The one channel to show in gray, or null for RGB: channels 0-2 (a one-channel output shows in gray).</param>
    /// <param name="normalize">Scale each shown channel by its largest magnitude, so weak features are visible.</param>
    public static LayerImage Show(Tensor output, int? channel, bool normalize)
    {
        if (output.ndim != 4 || output.shape[0] < 1)
            throw new ArgumentException($"A layer's output is [N, C, H, W]; got [{string.Join(", ", output.shape)}].", nameof(output));
        long channels = output.shape[1];
        if (channel is int c && (c < 0 || c >= channels))
            throw new InvalidValueException("Channel", $"the layer has {channels} channels: give a channel between 0 and {channels - 1}, or none for RGB.");
        using var scope = NewDisposeScope();
        var all = output[0].detach().to(float32).cpu();
        int first = channel ?? 0;
        long shown = channel is null && channels >= 3 ? 3 : 1;
        var selected = all.narrow(0, first, shown);
        var statistics = new LayerStatistics(all.mean().item<float>(), all.std().item<float>(), all.abs().max().item<float>(),
            selected.mean().item<float>(), selected.std().item<float>(), selected.abs().max().item<float>());
        var image = normalize ? selected / selected.abs().amax([1, 2], keepdim: true).clamp(1e-8, 1e8) : selected;
        return new LayerImage(PixelRange.ToUint8(image.unsqueeze(0))[0].MoveToOuterDisposeScope(), first, statistics);
    }
}
