using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

/// <summary>
/// An option or command that does not exist is said first, in one line, with the nearest one there is when one is
/// near; exit code 1, and nothing written.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class UnknownNameTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("unknown-name-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Out => Path.Combine(folder, "out");

    static readonly string Network = ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl");

    static void AssertRefused((int ExitCode, string Error) result, string line)
    {
        Assert.Equal(CliErrors.UserError, result.ExitCode);
        Assert.Equal(line, result.Error.TrimEnd('\n'));
    }

    [Fact]
    public void AMistypedOptionSuggestsTheNearestOne()
    {
        AssertRefused(CliHarness.Run("generate", "--network", Network, "--seedz", "1", "--outdir", Out),
            "stylegan: error: unknown option '--seedz' for 'stylegan generate'; did you mean '--seeds'? See stylegan generate --help.");
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void AMistypedOptionIsSaidBeforeTheRequiredOnesThatAreMissing()
    {
        AssertRefused(CliHarness.Run("generate", "--seedz=1"),
            "stylegan: error: unknown option '--seedz' for 'stylegan generate'; did you mean '--seeds'? See stylegan generate --help.");
    }

    [Theory]
    [InlineData("train", "--dta", "--data")]
    [InlineData("generate", "--seesd", "--seeds")] // two letters swapped: one slip
    [InlineData("generate", "-seeds", "--seeds")]
    [InlineData("generate", "--hlep", "--help")]
    public void TheSuggestionIsAnOptionOfThatCommand(string command, string typed, string suggested)
    {
        AssertRefused(CliHarness.Run(command, typed, "1", "--outdir", Out),
            $"stylegan: error: unknown option '{typed}' for 'stylegan {command}'; did you mean '{suggested}'? See stylegan {command} --help.");
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void AnOptionNothingIsNearIsSaidWithoutASuggestion()
    {
        AssertRefused(CliHarness.Run("generate", "--network", Network, "--frobnicate", "--outdir", Out),
            "stylegan: error: unknown option '--frobnicate' for 'stylegan generate'. See stylegan generate --help.");
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void AMistypedCommandSuggestsTheNearestOne()
    {
        AssertRefused(CliHarness.Run("genrate", "--network", Network, "--seeds", "1", "--outdir", Out),
            "stylegan: error: unknown command 'genrate' for 'stylegan'; did you mean 'generate'? See stylegan --help.");
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void ACommandNothingIsNearIsSaidWithoutASuggestion()
    {
        AssertRefused(CliHarness.Run("paint", "--outdir", Out), "stylegan: error: unknown command 'paint' for 'stylegan'. See stylegan --help.");
        Assert.False(Directory.Exists(Out));
    }
}
