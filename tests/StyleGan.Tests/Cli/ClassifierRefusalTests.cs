using StyleGan.Cli;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

/// <summary>train-classifier refuses what it cannot train on in one line, before training and without writing --out.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ClassifierRefusalTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("classifier-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Out => Path.Combine(folder, "classifier.safetensors");

    // Digits labelled 0, 1, ... 9 (the last of them 9, so that there are ten classes), of the given channels.
    string Digits(int count, int channels)
    {
        var data = Path.Combine(folder, "digits");
        var random = new TorchSharp.torch.Generator(5);
        for (int i = 0; i < count; i++)
            ImageFile.SavePng(Path.Combine(data, $"{i}.png"), randint(0, 256, new long[] { channels, 8, 8 }, dtype: ScalarType.Byte, generator: random));
        var labels = string.Join(", ", Enumerable.Range(0, count).Select(i => $"[\"{i}.png\", {(i == count - 1 ? 9 : i % 10)}]"));
        File.WriteAllText(Path.Combine(data, "dataset.json"), $"{{\"labels\": [{labels}]}}");
        return data;
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void AnEpochCountBelowOneIsRefusedNamingTheFlag(string epochs)
    {
        var (code, error) = CliHarness.Run("train-classifier", "--data", Digits(10, 1), "--epochs", epochs, "--out", Out, "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal($"stylegan: error: --epochs: the number of epochs {epochs} is less than 1.", error.Trim());
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public void RgbDigitsAreRefusedNamingTheData()
    {
        var data = Digits(10, 3);
        var (code, error) = CliHarness.Run("train-classifier", "--data", data, "--epochs", "1", "--out", Out, "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal($"stylegan: error: {data} holds RGB images; the classifier trains on grayscale digits (make them with: stylegan dataset --channels gray).", error.Trim());
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public void TooFewDigitsToHoldSomeOutAreRefused()
    {
        var (code, error) = CliHarness.Run("train-classifier", "--data", Digits(3, 1), "--epochs", "1", "--out", Out, "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("stylegan: error: 3 images are too few to hold out 10% of them and train on the rest; give at least 10 labelled digits.", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(Out));
    }
}
