using StyleGan.Cli;
using StyleGan.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

/// <summary>Every option value outside its range ends in one line naming the flag and the valid range, and writes nothing.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class OptionRefusalTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("option-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static (int ExitCode, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try { return (Program.Main(args), error.ToString()); }
        finally { Console.SetError(original); }
    }

    string Data()
    {
        var images = Path.Combine(folder, "images");
        var random = new torch.Generator(3);
        for (int i = 0; i < 4; i++)
            ImageFile.SavePng(Path.Combine(images, $"{i}.png"), randint(0, 256, new long[] { 1, 8, 8 }, dtype: ScalarType.Byte, generator: random));
        return images;
    }

    [Theory]
    [InlineData("--zdim", "0", "latent size 0")]
    [InlineData("--zdim", "1000000000", "latent size 1000000000")]
    [InlineData("--style-mixing", "2", "style mixing probability 2")]
    [InlineData("--ema", "-1", "G_ema half-life (kimg) -1")]
    [InlineData("--keep", "-1", "number of snapshots kept -1")]
    [InlineData("--batch", "0", "minibatch size 0")]
    [InlineData("--batch", "-5", "minibatch size -5")]
    [InlineData("--cbase", "0", "channel base 0")]
    [InlineData("--cbase", "4", "channel base 4 gives no channels at 8x8")]
    [InlineData("--mbstd-group", "0", "minibatch-stddev group size 0")]
    [InlineData("--mbstd-group", "5", "the minibatch size 32 is not a multiple of the minibatch-stddev group size 5")]
    [InlineData("--map", "0", "mapping network depth 0")]
    [InlineData("--lr", "-1", "learning rate -1")]
    [InlineData("--lr", "NaN", "learning rate NaN")]
    [InlineData("--gamma", "NaN", "R1 weight gamma NaN")]
    [InlineData("--kimg", "Infinity", "training length (kimg) Infinity")]
    [InlineData("--threads", "-1", "thread count -1")]
    public void TrainRefusesOutOfRangeValues(string flag, string value, string expected)
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = Run("train", "--data", Data(), "--outdir", runs, flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"stylegan: error: {flag}: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(runs));
    }

    [Theory]
    [InlineData("--trunc", "NaN", "truncation psi NaN")]
    [InlineData("--trunc", "Infinity", "truncation psi Infinity")]
    [InlineData("--trunc", "1e308", "truncation psi 1E+308")]
    [InlineData("--trunc-cutoff", "-1", "truncation cutoff -1")]
    [InlineData("--trunc-cutoff", "99", "truncation cutoff 99 is outside [0, 8]")]
    public void GenerateRefusesOutOfRangeTruncation(string flag, string value, string expected)
    {
        var output = Path.Combine(folder, "out");
        var (code, error) = Run("generate", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--seeds", "0", "--class", "1",
            "--outdir", output, "--threads", "1", flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains($"stylegan: error: {flag}: ", error);
        Assert.Contains(expected, error);
        Assert.True(!Directory.Exists(output) || Directory.GetFiles(output).Length == 0);
    }

    [Fact]
    public void MetricsRefusesANaNTruncation()
    {
        var (code, error) = Run("metrics", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--trunc", "NaN", "--num", "10", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("--trunc", error);
    }

    [Fact]
    public void TooManyThreadsAreCappedAtTheCoresWithANote()
    {
        var output = Path.Combine(folder, "out");
        var (code, error) = Run("generate", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--seeds", "0", "--class", "1",
            "--outdir", output, "--threads", "100000");
        Assert.Equal(0, code);
        Assert.Contains($"--threads 100000 is more than the {Environment.ProcessorCount} cores", error);
    }
}
