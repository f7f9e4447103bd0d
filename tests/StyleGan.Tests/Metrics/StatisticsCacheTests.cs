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
            return StatisticsCache.GetOrExtract(classifier, data, () => { extractions++; return GeneratorMetrics.RealStatistics(classifier, data); });
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
}
