using StyleGan.Metrics;

namespace StyleGan.Tests.Metrics;

public sealed class StandardMetricsTests
{
    [Fact]
    public void NvidiasNamesHaveNvidiasProtocols()
    {
        var all = StandardMetrics.All.ToDictionary(m => m.Name);
        Assert.Equal((MetricKind.Fid, FeatureSpace.Inception, 50000, (int?)null), Shape(all["fid50k_full"]));
        Assert.Equal((MetricKind.Kid, FeatureSpace.Inception, 50000, (int?)1000000), Shape(all["kid50k_full"]));
        Assert.Equal((MetricKind.PrecisionRecall, FeatureSpace.Vgg16, 50000, (int?)200000), Shape(all["pr50k3_full"]));
        Assert.Equal(3, all["pr50k3_full"].Neighbourhood);
        Assert.Equal((MetricKind.InceptionScore, FeatureSpace.Inception, 50000, (int?)null), Shape(all["is50k"]));
        Assert.Equal(new PathLengthProtocol(LatentSpace.W, Full: false, Crop: false, Epsilon: 1e-4), all["ppl2_wend"].PathLength);
        Assert.Equal(new PathLengthProtocol(LatentSpace.Z, Full: true, Crop: true), all["ppl_zfull"].PathLength);
        Assert.Equal(["pr50k3_full_precision", "pr50k3_full_recall"], all["pr50k3_full"].ResultNames);
        Assert.Equal(["is50k_mean", "is50k_std"], all["is50k"].ResultNames);
        Assert.Equal(StandardMetrics.All.Count, all.Count);
    }

    static (MetricKind, FeatureSpace, int, int?) Shape(MetricDefinition m) => (m.Kind, m.Space, m.GeneratedCount, m.MaxReal);

    [Fact]
    public void AListIsParsedInItsOrderOnce()
    {
        var chosen = StandardMetrics.Parse(" kid50k_full, FID50K_FULL ,kid50k_full");
        Assert.Equal(["kid50k_full", "fid50k_full"], chosen.Select(m => m.Name));
    }

    [Theory]
    [InlineData("fid50k_ful", "there is no metric 'fid50k_ful'; known: fid50k_full, ")]
    [InlineData(",", "no metric named in ','")]
    public void AnUnknownNameIsRefusedListingTheKnownOnes(string list, string message)
    {
        var e = Assert.Throws<StyleGan.InvalidValueException>(() => StandardMetrics.Parse(list));
        Assert.Equal(StandardMetrics.Setting, e.Name);
        Assert.Contains(message, e.Message);
    }
}
