using StyleGan.Data;
using StyleGan.Metrics;

namespace StyleGan.Tests.Metrics;

/// <summary>The bundled classifier that defines FID-MNIST, against the bundled digits.</summary>
public sealed class BundledClassifierTests
{
    [Fact]
    public void BundledClassifierRecognizesTheBundledDigits()
    {
        using var data = ImageDataset.Open(ReferenceData.Bundled("mnist32.zip"));
        using var classifier = MnistClassifier.Load(ReferenceData.Bundled("mnist-classifier.safetensors"));
        var every50th = Enumerable.Range(0, data.Count / 50).Select(i => i * 50).ToList();
        double accuracy = ClassifierTraining.Accuracy(classifier, data.Images(every50th), data.Labels(every50th)!.argmax(1));
        Assert.True(accuracy > 0.97, $"accuracy {accuracy:P1}"); // 90% of these were training digits
    }

    [Fact]
    public void RealHalvesAreCloseAndNoiseIsFar()
    {
        using var data = ImageDataset.Open(ReferenceData.Bundled("mnist32.zip"));
        using var classifier = MnistClassifier.Load(ReferenceData.Bundled("mnist-classifier.safetensors"));
        FeatureStatistics Stats(IEnumerable<int> indices)
        {
            var list = indices.ToList();
            return MetricRunner.RealStatistics(classifier, list.Count, (start, count) => data.Images(list.Skip(start).Take(count).ToList()));
        }
        using var even = Stats(Enumerable.Range(0, 2000).Select(i => 2 * i));
        using var odd = Stats(Enumerable.Range(0, 2000).Select(i => 2 * i + 1));
        double realToReal = FrechetDistance.Compute(even, odd);
        var random = new TorchSharp.torch.Generator(5);
        using var noiseStats = MetricRunner.RealStatistics(classifier, 2000,
            (_, count) => TorchSharp.torch.randint(0, 256, new long[] { count, 1, 32, 32 }, dtype: TorchSharp.torch.ScalarType.Byte, generator: random));
        double realToNoise = FrechetDistance.Compute(even, noiseStats);
        Assert.InRange(realToReal, 0, 20);
        Assert.True(realToNoise > 100 * realToReal, $"real-real {realToReal:F1}, real-noise {realToNoise:F1}");
    }

    [Fact]
    [Trait("Category", "Long")]
    public void RetrainingReachesTheBundledAccuracy()
    {
        using var data = ImageDataset.Open(ReferenceData.Bundled("mnist32.zip"));
        var all = Enumerable.Range(0, data.Count).ToList();
        var result = ClassifierTraining.Train(data.Images(all), data.Labels(all)!.argmax(1), new ClassifierTrainingOptions());
        using var classifier = result.Classifier;
        Assert.True(result.ValidationAccuracy >= 0.97, $"held-out accuracy {result.ValidationAccuracy:P1}");
    }
}
