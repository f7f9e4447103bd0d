using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class LadderCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("ladder-cli").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ALadderWritesItsTableJsonAndChartAndARerunTrainsNothing()
    {
        var outdir = Path.Combine(folder, "ladder");
        string[] args = ["ladder", "--data", ReferenceData.Fixture("inception/fid/a"), "--configs", "sg2-orig-skip", "--kimg", "0.032",
            "--outdir", outdir, "--threads", "1"];
        var (code, error) = CliHarness.Run(args);
        Assert.True(code == 0, error);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outdir, "ladder.json"))).RootElement;
        var run = json.GetProperty("runs")[0];
        Assert.Equal("sg2-orig-skip", run.GetProperty("config").GetString());
        Assert.Equal(0.032, run.GetProperty("kimg").GetDouble(), 1e-12);
        Assert.Equal(4.18, run.GetProperty("published").GetProperty("FFHQ").GetDouble());
        Assert.True(run.GetProperty("results").GetProperty("fid10k_mnist").GetDouble() > 0);
        using (var chart = SkiaSharp.SKBitmap.Decode(Path.Combine(outdir, "ladder.png"))) Assert.True(chart.Width > 0);
        var checkpoint = run.GetProperty("checkpoint").GetString()!;
        var written = File.GetLastWriteTimeUtc(checkpoint);

        Assert.Equal(0, CliHarness.Run(args).ExitCode);
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));
        Assert.Single(File.ReadAllLines(Path.Combine(Path.GetDirectoryName(checkpoint)!, "metric-fid10k_mnist.jsonl")));
    }

    [Theory]
    [InlineData("--configs|sg2-skip-skip,sg2-bogus", "--configs: unknown configuration 'sg2-bogus'")]
    [InlineData("--configs|sg2-skip-skip|--kimg|NaN", "--kimg: the budget NaN kimg is outside (0, 1000000]")]
    [InlineData("--configs|sg2-skip-skip|--seeds|x", "--seeds:")]
    [InlineData("--configs|sg2-skip-skip|--metrics|fid1k", "--metrics: there is no metric 'fid1k'")]
    public void ABadLadderIsRefusedBeforeAnythingIsTrainedOrWritten(string arguments, string expected)
    {
        var outdir = Path.Combine(folder, "ladder");
        var (code, error) = CliHarness.Run(["ladder", "--outdir", outdir, .. arguments.Split('|')]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"stylegan: error: {expected}", error);
        Assert.False(Directory.Exists(outdir));
    }
}
