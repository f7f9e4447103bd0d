using StyleGan.Data;

namespace StyleGan.Tests.Data;

/// <summary>The datasets in data/ open as the quick start expects (data/build.sh rebuilds them).</summary>
public sealed class BundledDataTests
{
    [Fact]
    public void Mnist32IsTenThousandLabelledGrayscaleDigits()
    {
        using var dataset = ImageDataset.Open(ReferenceData.Bundled("mnist32.zip"));
        Assert.Equal((10000, 32, 1, 10), (dataset.Count, dataset.Resolution, dataset.Channels, dataset.LabelDim));
        using var digit = dataset.Images([0]);
        Assert.Equal(0, digit[0, 0, .., ..2].sum().item<long>()); // the 2-pixel black border
        Assert.True(digit.max().item<byte>() > 200);              // a white stroke
        Assert.Equal(1f, dataset.Labels([0])![0, 0].item<float>()); // the first images are zeros
    }

    [Fact]
    public void Twemoji32IsUnlabelledRgbOnWhite()
    {
        using var dataset = ImageDataset.Open(ReferenceData.Bundled("twemoji32.zip"));
        Assert.Equal((3786, 32, 3, 0), (dataset.Count, dataset.Resolution, dataset.Channels, dataset.LabelDim));
        using var emoji = dataset.Images(Enumerable.Range(0, 100).ToArray());
        // Most emoji leave the corner transparent, which is white here (keycaps and flags fill it).
        Assert.InRange(emoji[.., .., 0, 0].eq(255).all(dim: 1).sum().item<long>(), 50, 100);
    }
}
