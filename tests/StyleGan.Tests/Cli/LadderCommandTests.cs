using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class LadderCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("ladder-cli").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

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
