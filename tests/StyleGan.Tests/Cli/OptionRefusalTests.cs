using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

/// <summary>Every option value outside its range ends in one line naming the flag and the valid range, and writes nothing.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class OptionRefusalTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("option-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

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
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"stylegan: error: {flag}: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(runs));
    }

    [Theory]
    [InlineData("sg1-f", "--lod-kimg", "-1", "stylegan: error: --lod-kimg: ", "training length per resolution (kimg) -1")]
    [InlineData("sg1-f", "--fade-kimg", "NaN", "stylegan: error: --fade-kimg: ", "fade-in length (kimg) NaN")]
    [InlineData("cpu-tiny", "--lod-kimg", "8", "stylegan: error: ", "which the cpu-tiny preset does not use; use an sg1-* preset")]
    public void GrowthScheduleFlagsAreCheckedAndOnlyForGrowingPresets(string cfg, string flag, string value, string start, string expected)
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, "--cfg", cfg, flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith(start, error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(runs));
    }

    [Fact]
    public void PathLengthWithoutAMappingNetworkIsRefusedNotCrashed()
    {
        // Progressive GAN (sg1-a) has no mapping network: w is z, which path length cannot differentiate through.
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, "--cfg", "sg1-a", "--pl-weight", "2");
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("stylegan: error: --pl-weight: ", error);
        Assert.Contains("without a mapping network", error);
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
        var (code, error) = CliHarness.Run("generate", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--seeds", "0", "--class", "1",
            "--outdir", output, "--threads", "1", flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains($"stylegan: error: {flag}: ", error);
        Assert.Contains(expected, error);
        Assert.True(!Directory.Exists(output) || Directory.GetFiles(output).Length == 0);
    }

    [Fact]
    public void MetricsRefusesANaNTruncation()
    {
        var (code, error) = CliHarness.Run("metrics", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--trunc", "NaN", "--num", "10", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("--trunc", error);
    }

    [Fact]
    public void TooManyThreadsAreCappedAtTheCoresWithANote()
    {
        var output = Path.Combine(folder, "out");
        var (code, error) = CliHarness.Run("generate", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--seeds", "0", "--class", "1",
            "--outdir", output, "--threads", "100000");
        Assert.Equal(0, code);
        Assert.Contains($"--threads 100000 is more than the {Environment.ProcessorCount} cores", error);
    }

    [Fact]
    public void AGridOfMoreSeedsThanAnImageHoldsIsRefusedAtOnce()
    {
        var output = Path.Combine(folder, "out");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (code, error) = CliHarness.Run("generate", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--seeds", "0-4294967295", "--class", "1",
            "--grid", "--outdir", output, "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("--grid of 4294967296 seeds at 32x32", error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.False(File.Exists(Path.Combine(output, "grid.png")));
    }

    [Fact]
    public void ATrainingRunLargerThanMemoryIsRefusedBeforeAllocating()
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, "--zdim", "4096", "--map", "64", "--cbase", "1048576", "--cmax", "4096", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("more than half of this machine's", error);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any());
    }

    [Fact]
    public void MetricsOfAGeneratorWithOtherLabelsThanTheDataIsAUserError()
    {
        // The published fixture is conditioned on 4 classes; the bundled MNIST has 10.
        var (code, error) = CliHarness.Run("metrics", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--num", "10", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("conditioned on 4 labels", error);
    }

    [Theory]
    [InlineData("--batch", "NaN", "--batch: 'NaN' is not a whole number.")]
    [InlineData("--batch", "99999999999", "--batch: '99999999999' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData("--lr", "abc", "--lr: 'abc' is not a number (e.g. 0.5 or 1e-3).")]
    [InlineData("--keep", "", "--keep: '' is not a whole number.")]
    [InlineData("--bogus", "1", "unknown option '--bogus' for 'stylegan train'. See stylegan train --help.")]
    public void AValueThatDoesNotParseIsToldInOneLineWithoutDotNetTypeNames(string flag, string value, string expected)
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, flag, value);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"stylegan: error: {expected}", error);
        Assert.DoesNotContain("System.", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(runs));
    }

    [Theory]
    [InlineData("--network", "generate|--network||--outdir|OUT")]
    [InlineData("--outdir", "generate|--network|NET|--outdir|")]
    [InlineData("--resume", "train|--resume||--outdir|OUT")]
    [InlineData("OUTPUT", "convert|NET||--force")]
    public void AnEmptyPathIsRefusedNamingTheOption(string named, string commandLine)
    {
        string[] args = commandLine.Split('|').Select(word => word switch
        {
            "NET" => ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"),
            "OUT" => Path.Combine(folder, "out"),
            _ => word,
        }).ToArray();
        var (code, error) = CliHarness.Run(args);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal($"stylegan: error: {named}: the value is empty; give one; see stylegan {args[0]} --help.", error.Trim());
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public void MetricsRefusesFewerImagesThanTheScoreHasSplitsBeforeReadingAnything()
    {
        var json = Path.Combine(folder, "m.json");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (code, error) = CliHarness.Run("metrics", "--network", ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl"), "--num", "5", "--json", json, "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("stylegan: error: --num: the number of generated images 5 is outside [10, 10000000]", error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}: the bundled data was read first");
        Assert.False(File.Exists(json));
    }
}
