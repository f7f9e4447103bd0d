using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Tests.Cli;
using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>A training request as a library user makes one: a new run, a continued one, and what each refuses.</summary>
public sealed class TrainingRequestTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("training-request-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly TrainingOverrides Small = new() { ZDim = 8, MappingLayers = 2, ChannelBase = 64, ChannelMax = 8, MbstdGroup = 2, Batch = 4, TotalKimg = 0.008 };

    [Fact]
    public void ANewRunTakesThePresetWithTheOverridesAndAResumedOneOnlyTheSchedule()
    {
        using var data = ImageDataset.Open(CliHarness.TinyDataset(folder));
        var request = new TrainingRequest("cpu-tiny", Small with { Gamma = 0.5, Augment = AugmentMode.Noaug });
        Assert.True(request.StartsNewRun);
        var (run, notes) = request.NewRun(data, CPU);
        string outdir = Path.Combine(folder, "run");
        using (run)
        {
            Assert.Empty(notes);
            Assert.Equal(0.5, run.Options.Gamma);
            Assert.Equal(AugmentMode.Noaug, run.Options.Augment);
            Assert.Equal(Presets.Get("cpu-tiny", 8).StyleMixing, run.Options.StyleMixing);
            new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
        }

        var resumed = new TrainingRequest("cpu-tiny", new TrainingOverrides { TotalKimg = 0.016, Gamma = 2 }, Resume: Checkpoint.Newest(outdir));
        Assert.False(resumed.StartsNewRun);
        Assert.Equal(["Gamma"], resumed.Overrides.IgnoredOnResume);
        using var continued = resumed.ContinueRun(data, CPU);
        Assert.Equal(0.016, continued.Options.TotalKimg);
        Assert.Equal(0.5, continued.Options.Gamma);
        Assert.Throws<InvalidOperationException>(() => resumed.NewRun(data, CPU));
    }

    [Theory]
    [InlineData("Augment", "fixed", null)]
    [InlineData("AugmentP", "ada", 0.5)]
    public void AugmentationThatTrainPyRefusesIsRefusedNamingTheSetting(string setting, string mode, double? p)
    {
        var overrides = Small with { Augment = Enum.Parse<AugmentMode>(mode, ignoreCase: true), AugmentP = p };
        var error = Assert.Throws<InvalidValueException>(() => overrides.ApplyTo(Presets.Get("cpu-tiny", 8)));
        Assert.Equal(setting, error.Name);
        Assert.StartsWith($"`{setting}`", error.Message);
    }

    [Fact]
    public void ATransferNeedsANetworkToStartFrom()
    {
        var error = Assert.Throws<InvalidValueException>(() => new TrainingRequest("cpu-tiny", Small, Transfer: true).StartsNewRun);
        Assert.Equal(nameof(TrainingRequest.Transfer), error.Name);
    }
}
