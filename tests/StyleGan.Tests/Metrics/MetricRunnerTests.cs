using StyleGan.Images;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class MetricRunnerTests
{
    [Fact]
    public void GeneratedImagesEqualToTheRealOnesScoreZeroFid()
    {
        using var classifier = new MnistClassifier(new Generator(0));
        var real = randint(0, 256, new long[] { 70, 1, 32, 32 }, generator: new Generator(1)).to(uint8);
        using var realStatistics = MetricRunner.RealStatistics(classifier, 70, (start, count) => real.narrow(0, start, count), batchSize: 32);
        var requested = new List<int>();
        int next = 0;
        Tensor Sample(int count)
        {
            requested.Add(count);
            var images = PixelRange.FromUint8(real.narrow(0, next, count));
            next += count;
            return images;
        }

        var result = MetricRunner.Evaluate(classifier, Sample, 70, realStatistics, batchSize: 32, splits: 7);

        Assert.Equal(new[] { 32, 32, 6 }, requested);
        Assert.Equal(70, result.Count);
        Assert.InRange(result.Fid, 0, 1e-6);
        Assert.InRange(result.InceptionScoreMean, 1, MnistClassifier.ClassCount);
    }

    [Fact]
    public void KidIsTheEstimatorOverTheRealAndGeneratedFeatures()
    {
        using var classifier = new MnistClassifier(new Generator(0));
        var real = randint(0, 256, new long[] { 40, 1, 32, 32 }, generator: new Generator(1)).to(uint8);
        var fake = randint(0, 128, new long[] { 40, 1, 32, 32 }, generator: new Generator(2)).to(uint8);
        var realFeatures = MetricRunner.RealFeatures(classifier, 40, (start, count) => real.narrow(0, start, count), batchSize: 16);
        using var realStatistics = MetricRunner.RealStatistics(classifier, 40, (start, count) => real.narrow(0, start, count));
        int next = 0;
        Tensor Sample(int count) { var images = PixelRange.FromUint8(fake.narrow(0, next, count)); next += count; return images; }

        var result = MetricRunner.Evaluate(classifier, Sample, 40, realStatistics, batchSize: 16, splits: 4, realFeatures: realFeatures);

        using var _ = no_grad();
        var fakeFeatures = classifier.Extract(fake).Features;
        Assert.Equal(KernelInceptionDistance.Compute(realFeatures, fakeFeatures), result.Kid!.Value, 1e-9);
        Assert.True(result.Kid > 0);
    }

    [Fact]
    public void QuantizationRoundTripsUint8()
    {
        var all = arange(256).to(uint8);
        Assert.Equal(all.data<byte>().ToArray(), PixelRange.ToUint8(PixelRange.FromUint8(all)).data<byte>().ToArray());
    }
}
