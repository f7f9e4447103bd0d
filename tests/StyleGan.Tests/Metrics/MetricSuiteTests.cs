using StyleGan.Configs;
using StyleGan.Data;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Metrics;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Metrics;

/// <summary>The suite against the estimators run by hand over the same images: 150 real digits, a small random 32x32 gray generator.</summary>
[Collection(ExactResults.Collection)] // compared to 1e-9: no other test may change the thread count meanwhile
public sealed class MetricSuiteTests : IDisposable
{
    readonly ImageDataset data = ImageDataset.Open(ReferenceData.Fixture("inception/fid/a"));
    readonly Generator generator = SmallGenerator();
    readonly MetricWeightFiles files = new(Classifier: Path.Combine(ReferenceData.RepositoryRoot.FullName, "data", "mnist-classifier.safetensors"));

    public void Dispose()
    {
        data.Dispose();
        generator.Dispose();
    }

    internal static Generator SmallGenerator(int channels = 1, int resolution = 32) => new(new GeneratorConfig
    {
        ZDim = 16, WDim = 16, ImgResolution = resolution, ImgChannels = channels,
        MappingKwargs = new MappingConfig { NumLayers = 2 },
        SynthesisKwargs = new SynthesisConfig { ChannelBase = 256, ChannelMax = 16 },
    });

    static IReadOnlyList<MetricDefinition> Metrics(string names, int count) => StandardMetrics.Parse(names).Select(m => m.WithGeneratedCount(count)).ToList();

    [Fact]
    public void EachMetricIsItsEstimatorOverTheFeaturesOfTheSameImages()
    {
        var metrics = Metrics("fid10k_mnist,kid10k_mnist,pr10k3_mnist,is10k_mnist", 30);
        using var networks = new FeatureNetworks(metrics, files);
        var reports = MetricSuite.Evaluate(generator, data, metrics, networks, seed: 5);

        var classifier = networks.Features(FeatureSpace.MnistClassifier);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var latents = new MetricLatents(generator.Config, data, 5);
        // In the suite's batches: another batch size may take the other modulated-convolution path, which rounds differently.
        var images = new Sampler(generator, batchSize: MetricRunner.BatchSize).Generate(latents.Z(30), latents.Labels(30));
        var (fake, logits) = classifier.Extract(PixelRange.ToUint8(images));
        var (real, _) = classifier.Extract(data.Images(Enumerable.Range(0, data.Count).ToList()));
        using var realStatistics = FeatureStatistics.Of(real);
        using var fakeStatistics = FeatureStatistics.Of(fake);
        var (precision, recall) = PrecisionRecall.Compute(real, fake, 3);
        var (isMean, isStd) = InceptionScore.Compute(nn.functional.softmax(logits!, 1));

        var values = reports.SelectMany(r => r.Results).ToDictionary();
        Assert.Equal(["fid10k_mnist", "kid10k_mnist", "pr10k3_mnist_precision", "pr10k3_mnist_recall", "is10k_mnist_mean", "is10k_mnist_std"], values.Keys);
        Assert.Equal(FrechetDistance.Compute(realStatistics, fakeStatistics), values["fid10k_mnist"], 1e-6 * values["fid10k_mnist"]);
        Assert.Equal(KernelInceptionDistance.Compute(real, fake), values["kid10k_mnist"], 1e-9);
        Assert.Equal(precision, values["pr10k3_mnist_precision"]);
        Assert.Equal(recall, values["pr10k3_mnist_recall"]);
        Assert.Equal(isMean, values["is10k_mnist_mean"], 1e-6);
        Assert.Equal(isStd, values["is10k_mnist_std"], 1e-6);
        Assert.All(reports, r => Assert.Equal(30, r.GeneratedCount));
        Assert.Equal(150, reports[0].RealCount);
        Assert.Equal(0, reports[3].RealCount);
        Assert.StartsWith(classifier.Name, reports[0].Features);
    }

    [Fact]
    public void AShorterMetricScoresTheFirstImagesOfTheLongerOnesStreamAndTheFirstRealImages()
    {
        // Whole batches: a batch of another size rounds differently in float32.
        var both = new[] { Metrics("fid10k_mnist", 2 * MetricRunner.BatchSize)[0],
            StandardMetrics.Parse("fid10k_mnist")[0].WithGeneratedCount(MetricRunner.BatchSize) with { Name = "short", MaxReal = 100 } };
        var alone = new[] { both[1] };
        using var networks = new FeatureNetworks(both, files);
        var together = MetricSuite.Evaluate(generator, data, both, networks, seed: 2);
        var separately = MetricSuite.Evaluate(generator, data, alone, networks, seed: 2);
        Assert.Equal(separately[0].Results["short"], together[1].Results["short"], 1e-9);
        Assert.Equal(100, together[1].RealCount);
        Assert.Equal(150, together[0].RealCount);
        Assert.NotEqual(together[0].Results["fid10k_mnist"], together[1].Results["short"]);
        // The same seed gives the same number; another seed another one.
        Assert.Equal(together[0].Results["fid10k_mnist"], MetricSuite.Evaluate(generator, data, [both[0]], networks, seed: 2)[0].Results["fid10k_mnist"]);
        Assert.NotEqual(together[0].Results["fid10k_mnist"], MetricSuite.Evaluate(generator, data, [both[0]], networks, seed: 3)[0].Results["fid10k_mnist"]);
    }

    [Fact]
    public void AMissingWeightsFileIsNamedBeforeAnyImageIsMade()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new FeatureNetworks(Metrics("fid10k", 10), new MetricWeightFiles(Inception: "/nonexistent/pt_inception.pth")));
        Assert.Equal("/nonexistent/pt_inception.pth", e.FileName);
        Assert.Contains("/nonexistent/pt_inception.pth", e.Message);
        Assert.Throws<StyleGan.InvalidValueException>(() => MetricSuite.CheckImageCount(9));
    }
}
