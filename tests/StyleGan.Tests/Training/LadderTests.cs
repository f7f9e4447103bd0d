using StyleGan.Configs;
using StyleGan.Data;
using StyleGan.Metrics;
using StyleGan.Training;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Training;

/// <summary>The ladder on 150 real digits (32x32) with two tiny rungs: presets, resuming, and scores read back.</summary>
[Collection(ExactResults.Collection)]
public sealed class LadderTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("ladder-test").FullName;
    readonly ImageDataset data = ImageDataset.Open(ReferenceData.Fixture("inception/fid/a"));

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void EachArchitecturePresetBuildsTheNetworksItsNameSays()
    {
        var architectures = new Dictionary<string, Architecture> { ["orig"] = Architecture.Orig, ["skip"] = Architecture.Skip, ["resnet"] = Architecture.Resnet };
        Assert.Equal(9, Presets.ArchitectureTable.Count);
        foreach (var name in Presets.ArchitectureTable)
        {
            var parts = name.Split('-');
            var options = Presets.Get(name, 32);
            var (g, d) = TrainingRunState.NetworkConfigs(options, 32, 1, 0);
            Assert.Equal(architectures[parts[1]], g.SynthesisKwargs.Architecture);
            Assert.Equal(architectures[parts[2]], d.Architecture);
            // Everything else is cpu-tiny's: only the architectures differ between the rows of the table, which the
            // paper trained without augmentation.
            Assert.Equal(Presets.Get("cpu-tiny", 32) with
            {
                Cfg = name, GArchitecture = options.GArchitecture, DArchitecture = options.DArchitecture, Augment = StyleGan.Augment.AugmentMode.Noaug,
            }, options);
            using var generator = new Generator(g);
            var keys = generator.state_dict().Keys.ToList();
            // NVIDIA's layouts: a toRGB in every block for skip, only in the last for orig and resnet; a skip convolution in resnet blocks.
            int toRgb = keys.Count(k => k.EndsWith(".torgb.weight", StringComparison.Ordinal));
            Assert.Equal(parts[1] == "skip" ? 4 : 1, toRgb); // blocks at 4, 8, 16 and 32
            Assert.Equal(parts[1] == "resnet", keys.Any(k => k.Contains(".skip.", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void AnUnknownConfigurationOrNoSeedIsRefusedNamingTheKnownOnes()
    {
        var e = Assert.Throws<StyleGan.InvalidValueException>(() => Ladder.Rungs(["sg2-skip-skip", "sg2-big-skip"], [0]));
        Assert.Equal("Configs", e.Name);
        Assert.Contains("'sg2-big-skip'", e.Message);
        Assert.Contains("sg2-resnet-resnet", e.Message);
        Assert.Throws<StyleGan.InvalidValueException>(() => Ladder.Rungs(["sg2-skip-skip"], []));
        Assert.Equal([new LadderRung("sg2-skip-skip", 0), new LadderRung("sg2-skip-skip", 1)], Ladder.Rungs(["sg2-skip-skip", "sg2-skip-skip"], [0, 1, 1]));
    }

    [Fact]
    public void ARungIsResumedUpToTheBudgetAndScoredOnce()
    {
        var rung = new LadderRung("sg2-orig-skip", 3);
        var (first, outcome) = Ladder.Train(rung, data, folder, 0.064, CPU, null, CancellationToken.None);
        Assert.Equal(TrainingOutcome.Finished, outcome);
        Assert.StartsWith(Path.Combine(folder, "sg2-orig-skip-seed3"), first);
        // A larger budget continues the same run; the same budget again trains nothing.
        var (second, _) = Ladder.Train(rung, data, folder, 0.128, CPU, null, CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(second);
        var (third, _) = Ladder.Train(rung, data, folder, 0.128, CPU, null, CancellationToken.None);
        Assert.Equal(second, third);
        Assert.Equal(written, File.GetLastWriteTimeUtc(third));
        using (var saved = StyleGan.Serialization.NetworkFile.Load(third)) Assert.Equal(128, Checkpoint.Counters(saved, third)!.CurNimg);
        var options = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(third)!, TrainingLoop.OptionsFileName))).RootElement;
        Assert.Equal(3, options.EnumerateObject().Single(p => p.Name.Equals("seed", StringComparison.OrdinalIgnoreCase)).Value.GetInt32());
        Assert.Equal("orig", options.EnumerateObject().Single(p => p.Name.Replace("_", "").Equals("GArchitecture", StringComparison.OrdinalIgnoreCase)).Value.ToString().ToLowerInvariant());

        var metrics = StandardMetrics.Parse("fid10k_mnist").Select(m => m.WithGeneratedCount(20)).ToList();
        using var networks = new FeatureNetworks(metrics, new MetricWeightFiles(Classifier: Path.Combine(ReferenceData.RepositoryRoot.FullName, "data", "mnist-classifier.safetensors")));
        var scored = LadderScore.Evaluate(rung, third, data, metrics, networks, CPU);
        var again = LadderScore.Evaluate(rung, third, data, metrics, networks, CPU);
        Assert.Equal(0.128, scored.Kimg, 1e-12);
        Assert.True(scored.Results["fid10k_mnist"] > 0);
        Assert.Equal(scored.Results, again.Results);
        Assert.Single(File.ReadAllLines(MetricLog.RunFile(Path.GetDirectoryName(third)!, "fid10k_mnist")));
        // Another image count is another protocol: scored afresh and logged beside the first.
        LadderScore.Evaluate(rung, third, data, metrics.Select(m => m.WithGeneratedCount(30)).ToList(), networks, CPU);
        Assert.Equal(2, File.ReadAllLines(MetricLog.RunFile(Path.GetDirectoryName(third)!, "fid10k_mnist")).Length);
    }

    [Fact]
    public void BothPapersTablesAreSetBesideTheirConfigurations()
    {
        Assert.Equal([new PublishedFid("FFHQ", 4.85, "StyleGAN table 1"), new PublishedFid("CelebA-HQ", 5.34, "StyleGAN table 1")], PublishedLadders.Of("sg1-c"));
        Assert.Equal([new PublishedFid("FFHQ", 3.31, "StyleGAN2 table 2")], PublishedLadders.Of("sg2-skip-resnet"));
        Assert.Empty(PublishedLadders.Of("cpu-tiny"));
        Assert.All(Presets.StyleGan1Table, cfg => Assert.Equal(2, PublishedLadders.Of(cfg).Count));
    }
}
