using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

public sealed class InceptionScoreTests
{
    [Fact]
    public void ConfidentPredictionsSpreadOverTenClassesScoreTen()
    {
        // Every split of 10 rows holds each class once: KL(one-hot || uniform) = log 10 for every image.
        var probabilities = nn.functional.one_hot(arange(100) % 10, 10).to(float32);

        var (mean, std) = InceptionScore.Compute(probabilities);

        Assert.Equal(10, mean, 1e-9);
        Assert.Equal(0, std, 1e-9);
    }

    [Fact]
    public void IdenticalPredictionsScoreOne()
    {
        var probabilities = tensor(new[] { 0.7f, 0.2f, 0.1f, 0f }).expand(50, 4);

        var (mean, std) = InceptionScore.Compute(probabilities, splits: 5);

        Assert.Equal(1, mean, 1e-6);
        Assert.Equal(0, std, 1e-6);
    }

    [Fact]
    public void SplitsScoreSeparatelyAndLeaveTheRemainderOut()
    {
        // Split 1: all class 0 (score 1). Split 2: classes 0 and 1 alternating (score 2). Row 8 falls in no split.
        var classes = tensor(new long[] { 0, 0, 0, 0, 0, 1, 0, 1, 2 });
        var probabilities = nn.functional.one_hot(classes, 3).to(float64);

        var (mean, std) = InceptionScore.Compute(probabilities, splits: 2);

        Assert.Equal(1.5, mean, 1e-9);
        Assert.Equal(0.5, std, 1e-9);
    }

    [Fact]
    public void TooFewPredictionsForTheSplitsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => InceptionScore.Compute(ones(5, 10) / 10));
    }
}
