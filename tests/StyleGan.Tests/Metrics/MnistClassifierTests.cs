using StyleGan.Formats;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class MnistClassifierTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("classifier-test").FullName;
    readonly MnistClassifier classifier = new(new Generator(0));

    public MnistClassifierTests() => classifier.eval();

    public void Dispose()
    {
        classifier.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void GivesFeaturesAndLogitsPerImage()
    {
        using var _ = no_grad();
        var images = rand(new long[] { 5, 1, 32, 32 }, generator: new Generator(1)) * 2 - 1;

        var (features, logits) = classifier.forward(images);

        Assert.Equal(new long[] { 5, MnistClassifier.FeatureDim }, features.shape);
        Assert.Equal(new long[] { 5, MnistClassifier.ClassCount }, logits.shape);
        Close.Assert(features, classifier.Features(images), "features");
        Close.Assert(logits, classifier.Logits(images), "logits");
    }

    [Fact]
    public void GrayAsRgbGivesTheSameFeaturesAsGray()
    {
        using var _ = no_grad();
        var gray = rand(new long[] { 3, 1, 32, 32 }, generator: new Generator(2)) * 2 - 1;

        Close.Assert(classifier.Features(gray), classifier.Features(gray.expand(3, 3, 32, 32)), "features of RGB input", 1e-6);
    }

    [Fact]
    public void OtherResolutionsAreResizedTo32()
    {
        using var _ = no_grad();
        // Uniform images, one gray level each, stay the same image at any size.
        var levels = tensor(new[] { -1f, -0.2f, 0.6f }).reshape(3, 1, 1, 1);

        Assert.Equal(new long[] { 2, MnistClassifier.FeatureDim }, classifier.Features(rand(2, 3, 64, 64)).shape);
        Close.Assert(classifier.Features(levels.expand(3, 1, 32, 32)), classifier.Features(levels.expand(3, 1, 64, 64)), "features at 64x64", 1e-5);
        Close.Assert(classifier.Features(levels.expand(3, 1, 32, 32)), classifier.Features(levels.expand(3, 3, 20, 20)), "features at 20x20 RGB", 1e-5);
    }

    [Fact]
    public void WrongChannelCountIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => classifier.Features(zeros(1, 2, 32, 32)));
        Assert.Contains("[1, 2, 32, 32]", error.Message);
    }

    [Fact]
    public void SavesAndLoads()
    {
        using var _ = no_grad();
        var path = Path.Combine(folder, "classifier.safetensors");
        var images = rand(new long[] { 2, 1, 32, 32 }, generator: new Generator(4)) * 2 - 1;
        classifier.Save(path);

        using var loaded = MnistClassifier.Load(path);

        Close.Assert(classifier.Logits(images), loaded.Logits(images), "logits after loading", 0);
    }

    [Fact]
    public void AnotherKindOfFileIsRefusedNamingIt()
    {
        var path = Path.Combine(folder, "generator.safetensors");
        Safetensors.Save(path, classifier.state_dict());

        var error = Assert.Throws<InvalidDataException>(() => MnistClassifier.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not an MNIST classifier", error.Message);
    }

    [Fact]
    public void SameSeedGivesSameWeights()
    {
        using var twin = new MnistClassifier(new Generator(0));
        twin.eval();
        using var _ = no_grad();
        var images = rand(new long[] { 2, 1, 32, 32 }, generator: new Generator(5)) * 2 - 1;

        Close.Assert(classifier.Logits(images), twin.Logits(images), "logits of a twin", 0);
    }
}
