using System.CommandLine;
using StyleGan.Cli;
using StyleGan.Training;

namespace StyleGan.Tests.Cli;

/// <summary>The table of library settings and their flags, read from the options that declare them.</summary>
public sealed class SettingFlagsTests
{
    [Fact]
    public void EverySettingOfTheToolHasOneSpelling()
    {
        var flags = SettingFlags.Of(StyleGan.Cli.Entry.Program.Root());
        Assert.Equal("--batch", flags[nameof(TrainingOptions.Batch)]);
        Assert.Equal("--target", flags[nameof(TrainingOptions.AdaTarget)]);
        Assert.Equal("--lod-kimg", flags["Growth.TrainingKimg"]);
        Assert.Equal("stylegan dataset", flags["DatasetTool.Convert"]);
    }

    [Fact]
    public void TwoFlagsThatSetOneSettingAreABug()
    {
        var root = new RootCommand { new Command("a") { new Option<int>("--size").Sets("Size") }, new Command("b") { new Option<int>("--width").Sets("Size") } };
        var error = Assert.Throws<InvalidOperationException>(() => SettingFlags.Of(root));
        Assert.Contains("Size is set by both --size and --width", error.Message);
    }

    [Fact]
    public void ARefusalNamesTheFlagOfASettingAnotherCommandDeclares()
    {
        var flags = SettingFlags.Of(new RootCommand { new Command("dataset") { new Option<string>("--resolution").Sets("Resolution") } });
        Assert.Equal("convert at --resolution 32, or --force", CliErrors.WithFlags("convert at `Resolution` 32, or `Force`", new Dictionary<string, string>(flags) { ["Force"] = "--force" }));
    }
}
