using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

/// <summary>train's augmentation and transfer-learning options: refused as train.py refuses them, and what they start.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class AugmentOptionTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("augment-option-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string NvidiaSnapshot => Path.Combine(ReferenceData.Fixture("augment"), "nvidia-tiny-ada.pkl");

    // The sizes of the fixture snapshot, which a run that starts from it must have.
    static readonly string[] SnapshotSizes = ["--zdim", "8", "--map", "2", "--cbase", "64", "--cmax", "8", "--mbstd-group", "2", "--batch", "4"];

    [Theory]
    [InlineData("Unknown --aug 'sometimes': use ada, fixed or noaug.", "--aug", "sometimes")]
    [InlineData("--aug fixed needs --p", "--aug", "fixed")]
    [InlineData("--p is the probability of --aug fixed", "--p", "0.5")]
    [InlineData("--target is ADA's; it needs --aug ada.", "--aug", "noaug", "--target", "0.5")]
    [InlineData("--augpipe names the pipeline of --aug ada or fixed, not of noaug.", "--aug", "noaug", "--augpipe", "bgc")]
    [InlineData("--augpipe: unknown augmentation pipeline 'bgx'; choose one of: blit, geom, color", "--augpipe", "bgx")]
    [InlineData("--p: the augmentation probability p 1.5 is outside [0, 1].", "--aug", "fixed", "--p", "1.5")]
    [InlineData("--target: the ADA target 2 is outside [0, 1].", "--target", "2")]
    [InlineData("--ada-kimg is ADA's; it needs --aug ada.", "--aug", "noaug", "--ada-kimg", "10")]
    [InlineData("--ada-kimg: the ADA speed (kimg) 0 is outside [0.001, 1000000000].", "--ada-kimg", "0")]
    [InlineData("--freezed: the number of frozen D layers -1 is outside [0, 1000].", "--freezed", "-1")]
    [InlineData("--augpipe: image-space filtering (imgfilter) needs images of at least 22 pixels a side, not 8x8", "--augpipe", "bgcf")]
    [InlineData("--transfer needs --resume NETWORK", "--transfer")]
    public void BadAugmentationOptionsAreRefusedInOneLineWritingNothing(string expected, params string[] flags)
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run(["train", "--data", CliHarness.TinyDataset(folder), "--outdir", runs, .. flags]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("stylegan: error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any());
    }

    [Fact]
    public void ResumeFromAnNvidiaPickleStartsANewRunFromItsWeightsKeepingItsAugmentation()
    {
        var runs = Path.Combine(folder, "runs");
        var (code, error) = CliHarness.Run(["train", "--resume", NvidiaSnapshot, "--data", CliHarness.TinyDataset(folder), "--outdir", runs,
            "--kimg", "0.008", "--freezed", "2", "--threads", "1", .. SnapshotSizes]);
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(runs).Single(); // a new run of its own, beside any other
        var options = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "training_options.json"))).RootElement;
        Assert.Equal(Path.GetFullPath(NvidiaSnapshot), options.GetProperty("transfer_from").GetString());
        Assert.Equal("ada", options.GetProperty("augment").GetString());
        Assert.Equal(0.23, options.GetProperty("augment_p").GetDouble(), 6);   // the pickle's augment_pipe p
        Assert.Equal(1, options.GetProperty("augment_pipe").GetProperty("hue").GetDouble());
        Assert.Equal(100, options.GetProperty("ada_kimg").GetDouble());         // train.py's values when resuming from a network
        Assert.Equal(System.Text.Json.JsonValueKind.Null, options.GetProperty("ema_rampup").ValueKind);
        Assert.Equal(2, options.GetProperty("freeze_d").GetInt32());
        Assert.Single(Directory.GetFiles(run, "network-snapshot-*.safetensors"));
    }

    [Fact]
    public void TransferFromACheckpointOfAnotherRunStartsAfreshWhereResumeWouldContinue()
    {
        var runs = Path.Combine(folder, "runs");
        var data = CliHarness.TinyDataset(folder);
        var (code, error) = CliHarness.Run(["train", "--data", data, "--outdir", runs, "--kimg", "0.008", "--aug", "fixed", "--p", "0.4", "--threads", "1",
            .. SnapshotSizes]);
        Assert.True(code == 0, error);
        var checkpoint = Directory.GetFiles(Directory.GetDirectories(runs).Single(), "network-snapshot-*.safetensors").Single();

        (code, error) = CliHarness.Run(["train", "--resume", checkpoint, "--transfer", "--data", data, "--outdir", runs, "--kimg", "0.008", "--threads", "1",
            .. SnapshotSizes]);
        Assert.True(code == 0, error);
        Assert.Equal(2, Directory.GetDirectories(runs).Length);
        var second = Directory.GetDirectories(runs).OrderBy(d => d, StringComparer.Ordinal).Last();
        var options = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(second, "training_options.json"))).RootElement;
        Assert.Equal(Path.GetFullPath(checkpoint), options.GetProperty("transfer_from").GetString());
        Assert.Equal(0.4, options.GetProperty("augment_p").GetDouble(), 6); // the first run's p, ADA's starting point now
        Assert.Equal("ada", options.GetProperty("augment").GetString());
    }

    [Fact]
    public void AugmentDrawsAGridOfEachImageBesideItsAugmentations()
    {
        var grid = Path.Combine(folder, "grid.png");
        var (code, error) = CliHarness.Run("augment", "--data", CliHarness.TinyDataset(folder), "--num", "3", "--draws", "4", "--p", "1", "--out", grid);
        Assert.True(code == 0, error);
        using var image = SkiaSharp.SKBitmap.Decode(grid);
        Assert.Equal((5 * 8, 3 * 8), (image.Width, image.Height)); // 3 rows of 8x8 images: the original and 4 draws
        IEnumerable<SkiaSharp.SKColor> Block(int column) =>
            Enumerable.Range(0, 64).Select(i => image.GetPixel(column * 8 + i % 8, i / 8));
        for (int draw = 1; draw <= 4; draw++)
            Assert.False(Block(0).SequenceEqual(Block(draw)), $"draw {draw} at p = 1 is the original.");

        (code, error) = CliHarness.Run("augment", "--data", CliHarness.TinyDataset(folder), "--p", "2", "--out", Path.Combine(folder, "other.png"));
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("--p 2: the augmentation probability is between 0 and 1.", error);
    }
}
