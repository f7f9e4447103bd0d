using StyleGan.Data;
using StyleGan.Metrics;

namespace StyleGan.Tests.Metrics;

[Collection(ExactResults.Collection)] // the cache folder is process-wide
public sealed class StatisticsCacheTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("stats-cache").FullName;

    public void Dispose()
    {
        StatisticsCache.Folder = null;
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void TheSecondRunUsesTheCacheAndChangedDataMissesIt()
    {
        StatisticsCache.Folder = Path.Combine(folder, "cache");
        var images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        var sources = Directory.GetFiles(ReferenceData.Fixture("inception/fid/a")).Order(StringComparer.Ordinal).Take(30).ToList();
        foreach (var file in sources) File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        using var classifier = MnistClassifier.Load(Path.Combine(ReferenceData.RepositoryRoot.FullName, "data", "mnist-classifier.safetensors"));

        int extractions = 0;
        (FeatureStatistics, bool) Run()
        {
            using var data = ImageDataset.Open(images);
            return StatisticsCache.GetOrExtract(classifier, data, data.Count, () => { extractions++; return MetricRunner.RealStatistics(classifier, data.Count, Read(data)); });
        }

        var (first, firstCached) = Run();
        var (second, secondCached) = Run();
        Assert.False(firstCached);
        Assert.True(secondCached);
        Assert.Equal(1, extractions);
        Assert.Equal(first.Count, second.Count);
        Close.Assert(first.Covariance(), second.Covariance(), "covariance", 0);

        // One image replaced by another: a new digest, extracted afresh.
        File.Copy(Directory.GetFiles(ReferenceData.Fixture("inception/fid/a")).Order(StringComparer.Ordinal).Last(), Path.Combine(images, Path.GetFileName(sources[0])), overwrite: true);
        var (third, thirdCached) = Run();
        Assert.False(thirdCached);
        Assert.Equal(2, extractions);
        Assert.True((first.Mean() - third.Mean()).abs().max().item<double>() > 0);

        // A damaged cache file is extracted again and replaced, not trusted.
        foreach (var file in Directory.GetFiles(StatisticsCache.Folder)) File.WriteAllText(file, "damaged");
        var (_, fourthCached) = Run();
        Assert.False(fourthCached);
        Assert.True(Run().Item2);
        foreach (var s in new[] { first, second, third }) s.Dispose();
    }

    static Func<int, int, TorchSharp.torch.Tensor> Read(ImageDataset data) => (start, count) => data.Images(Enumerable.Range(start, count).ToList());

    [Fact]
    public void FeaturesAreCachedApartFromStatisticsAndPerImageCount()
    {
        StatisticsCache.Folder = Path.Combine(folder, "cache");
        using var classifier = MnistClassifier.Load(Path.Combine(ReferenceData.RepositoryRoot.FullName, "data", "mnist-classifier.safetensors"));
        using var data = ImageDataset.Open(ReferenceData.Fixture("inception/fid/a"));
        int extractions = 0;
        (TorchSharp.torch.Tensor, bool) Features(int count) =>
            StatisticsCache.GetOrExtractFeatures(classifier, data, count, () => { extractions++; return MetricRunner.RealFeatures(classifier, count, Read(data)); });

        var (first, firstCached) = Features(20);
        var (second, secondCached) = Features(20);
        var (fewer, fewerCached) = Features(10);
        Assert.False(firstCached);
        Assert.True(secondCached);
        Assert.False(fewerCached);
        Assert.Equal(2, extractions);
        Close.Assert(first, second, "cached features", 0);
        // Another batch size rounds differently in float32, nothing more.
        Close.Assert(first.narrow(0, 0, 10), fewer, "the first 10", 1e-4);
        // Statistics of the same images are another file: a features file is never read as statistics.
        var (statistics, statisticsCached) = StatisticsCache.GetOrExtract(classifier, data, 20, () => MetricRunner.RealStatistics(classifier, 20, Read(data)));
        Assert.False(statisticsCached);
        Assert.Equal(20, statistics.Count);
        statistics.Dispose();
    }
}
