using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

/// <summary>The stylegan command end to end: exit codes, one-line errors naming the file, train / resume / generate.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CliTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("cli-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static (int ExitCode, string Error) Run(params string[] args) => CliHarness.Run(args);

    string TinyDataset() => CliHarness.TinyDataset(folder);

    [Fact]
    public void UnknownOptionFails()
    {
        var (code, _) = Run("train", "--no-such-option");
        Assert.NotEqual(0, code);
    }

    [Fact]
    public void MissingDatasetIsOneLineNamingThePath()
    {
        var missing = Path.Combine(folder, "nowhere");
        var (code, error) = Run("train", "--data", missing, "--outdir", Path.Combine(folder, "runs"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.StartsWith("stylegan: error: ", error);
        Assert.Contains(missing, error);
    }

    [Fact]
    public void ARefusalQuotingControlCharactersStaysOneLine()
    {
        // A damaged pickle's strings and file names can hold newlines; the refusal printed them as they were.
        var missing = Path.Combine(folder, "no\nwhere\u001b[2J");
        var (code, error) = Run("train", "--data", missing, "--outdir", Path.Combine(folder, "runs"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("no\\x0awhere\\x1b[2J", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void TruncatedCheckpointIsRefusedNamingTheFile()
    {
        var checkpoint = Path.Combine(folder, "network-snapshot-000001.safetensors");
        File.WriteAllBytes(checkpoint, new byte[] { 1, 2, 3 });
        var (code, error) = Run("generate", "--network", checkpoint, "--outdir", Path.Combine(folder, "out"));
        Assert.Equal(1, code);
        Assert.Contains(checkpoint, error);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public void AFifoGivenAsAnInputIsRefusedInsteadOfReadForever()
    {
        var network = Formats.Files.Fifo.Create(Path.Combine(folder, "network.pkl"));
        var (code, error) = Run("generate", "--network", network, "--outdir", Path.Combine(folder, "out"));
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains($"{network} is not a regular file", error);

        var data = Formats.Files.Fifo.Create(Path.Combine(folder, "data.zip"));
        (code, error) = Run("train", "--data", data, "--outdir", Path.Combine(folder, "runs"), "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains($"{data} is not a regular file", error);
        Assert.False(Directory.Exists(Path.Combine(folder, "runs")));
    }

    [Fact]
    public void TrainResumeAndGenerate()
    {
        var data = TinyDataset();
        var runs = Path.Combine(folder, "runs");
        string[] tiny = { "--data", data, "--outdir", runs, "--batch", "4", "--mbstd-group", "2", "--snap", "1", "--tick", "0.008", "--threads", "1" };
        Assert.Equal(0, Run(["train", .. tiny, "--kimg", "0.016"]).ExitCode);
        var run = Directory.GetDirectories(runs).Single();
        Assert.EndsWith("00000-images-cpu-tiny", run);
        Assert.Single(Directory.GetFiles(run, "network-snapshot-*.safetensors"));

        var (resumed, note) = Run(["train", "--outdir", runs, "--resume", "auto", "--kimg", "0.032", "--batch", "8", "--threads", "1"]);
        Assert.Equal(0, resumed);
        Assert.Contains("ignored: --batch (only --kimg, --snap, --tick and --keep change on resume)", note);
        Assert.Single(Directory.GetDirectories(runs)); // resumed in place, no new run folder
        var checkpoint = Directory.GetFiles(run, "network-snapshot-*.safetensors").Single();

        var output = Path.Combine(folder, "generated");
        Assert.Equal(0, Run("generate", "--network", checkpoint, "--seeds", "0-2,7", "--trunc", "0.7", "--outdir", output, "--threads", "1").ExitCode);
        Assert.Equal(new[] { "seed0000.png", "seed0001.png", "seed0002.png", "seed0007.png" },
            Directory.GetFiles(output).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(0, Run("generate", "--network", checkpoint, "--seeds", "0-3", "--grid", "--outdir", output, "--threads", "1").ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "grid.png")));
    }

    [Fact]
    public void BadOptionValueIsOneLineNamingTheFlagAndWritesNothing()
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = Run("train", "--data", TinyDataset(), "--outdir", runs, "--batch", "0", "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal("stylegan: error: --batch: the minibatch size 0 is outside [1, 4096].", error.Trim());
        Assert.False(Directory.Exists(runs));
    }

    [Fact]
    public void DataErrorsNameTheFlagThatFixesThem()
    {
        var data = TinyDataset();
        File.WriteAllText(Path.Combine(data, "broken.png"), "not an image");
        var (code, error) = Run("train", "--data", data, "--outdir", Path.Combine(folder, "runs"), "--threads", "1");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains(Path.Combine(data, "broken.png"), error);
        Assert.Contains("(--skip-bad)", error);
        Assert.DoesNotContain("`", error);
    }

    [Fact]
    public void ABugIsNotAUserErrorAndShowsItsStackTrace()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int code;
        try { code = CliErrors.Run(new System.CommandLine.RootCommand().Parse([]), () => throw new InvalidOperationException("an invariant broke")); }
        finally { Console.SetError(original); }
        Assert.Equal(CliErrors.Bug, code);
        Assert.Contains("internal error", error.ToString());
        Assert.Contains("System.InvalidOperationException: an invariant broke", error.ToString());
        Assert.Contains(" at ", error.ToString());
    }

    [Fact]
    public void LodAndFadeFlagsSetTheGrowthSchedule()
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, "--cfg", "sg1-f", "--batch", "4",
            "--lod-kimg", "0.004", "--fade-kimg", "0.002", "--kimg", "0.004", "--cbase", "64", "--cmax", "8", "--zdim", "8", "--mbstd-group", "2", "--threads", "1");
        Assert.True(code == 0, error);
        var growth = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(runs).Single(), "training_options.json")))
            .RootElement.GetProperty("growth");
        Assert.Equal(0.004, growth.GetProperty("training_kimg").GetDouble());
        Assert.Equal(0.002, growth.GetProperty("transition_kimg").GetDouble());
        Assert.Equal(8, growth.GetProperty("initial_resolution").GetInt32()); // the rest of the preset's schedule stays
    }

    [Fact]
    public void BatchAndLrFlagsHoldAtEveryResolutionOfAGrowingPreset()
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run("train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, "--cfg", "sg1-a", "--batch", "8", "--lr", "0.002",
            "--kimg", "0.008", "--cbase", "64", "--cmax", "8", "--zdim", "8", "--threads", "1");
        Assert.True(code == 0, error);
        var options = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(runs).Single(), "training_options.json"))).RootElement;
        Assert.Equal(8, options.GetProperty("batch").GetInt32());
        Assert.Equal(0.002, options.GetProperty("learning_rate").GetDouble());
        Assert.Empty(options.GetProperty("growth").GetProperty("batch").EnumerateObject());          // the preset's per-resolution values gave way
        Assert.Empty(options.GetProperty("growth").GetProperty("learning_rate").EnumerateObject());
        Assert.Equal(4, options.GetProperty("growth").GetProperty("initial_resolution").GetInt32()); // the rest of the schedule stays
    }
}
