using StyleGan.Images;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class MetricRunnerTests
{
    [Fact]
    public void GeneratedFeaturesAreTheNetworksOfTheQuantizedImagesBatchByBatch()
    {
        using var classifier = new MnistClassifier(new Generator(0));
        var images = randint(0, 256, new long[] { 70, 1, 32, 32 }, generator: new Generator(1)).to(uint8);
        var requested = new List<int>();
        int next = 0;
        Tensor Sample(int count)
        {
            requested.Add(count);
            var batch = PixelRange.FromUint8(images.narrow(0, next, count));
            next += count;
            return batch;
        }
        var done = new List<int>();

        var (features, probabilities) = MetricRunner.GeneratedFeatures(classifier, Sample, 70, batchSize: 32, progress: done.Add);

        Assert.Equal(new[] { 32, 32, 6 }, requested);
        Assert.Equal(new[] { 32, 64, 70 }, done);
        using var _ = no_grad();
        var (expected, logits) = classifier.Extract(images);
        Close.Assert(expected, features, "features", 1e-5);
        Close.Assert(nn.functional.softmax(logits!, 1), probabilities!, "probabilities", 1e-5);
    }

    [Fact]
    public void RealFeaturesAndStatisticsAgree()
    {
        using var classifier = new MnistClassifier(new Generator(0));
        var real = randint(0, 256, new long[] { 40, 1, 32, 32 }, generator: new Generator(1)).to(uint8);
        Tensor Read(int start, int count) => real.narrow(0, start, count);
        var features = MetricRunner.RealFeatures(classifier, 40, Read, batchSize: 16);
        using var statistics = MetricRunner.RealStatistics(classifier, 40, Read, batchSize: 16);
        using var fromFeatures = FeatureStatistics.Of(features);
        Assert.Equal(40, statistics.Count);
        Close.Assert(fromFeatures.Mean(), statistics.Mean(), "mean", 1e-9);
        Close.Assert(fromFeatures.Covariance(), statistics.Covariance(), "covariance", 1e-9);
    }

    [Fact]
    public void QuantizationRoundTripsUint8()
    {
        var all = arange(256).to(uint8);
        Assert.Equal(all.data<byte>().ToArray(), PixelRange.ToUint8(PixelRange.FromUint8(all)).data<byte>().ToArray());
    }
}
