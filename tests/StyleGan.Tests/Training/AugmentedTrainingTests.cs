using StyleGan.Augment;
using StyleGan.Data;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Training;

/// <summary>Augmentation inside the loss, Freeze-D, transfer learning, and checkpoints from before augmentation.</summary>
public sealed class AugmentedTrainingTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("augmented-training").FullName;
    readonly ImageDataset data;

    static readonly TrainingOptions Tiny = TrainingLoopTests.Tiny with { TotalKimg = 0.016 };

    static string NvidiaSnapshot => Path.Combine(ReferenceData.Fixture("augment"), "nvidia-tiny-ada.pkl");

    public AugmentedTrainingTests() => data = ImageDataset.Open(Cli.CliHarness.TinyDataset(folder));

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    (Generator G, Discriminator D) Networks()
    {
        var (g, d) = TrainingRunState.NetworkConfigs(Tiny, 8, 1, 0);
        manual_seed(3);
        return (new Generator(g), new Discriminator(d));
    }

    [Fact]
    public void EveryImageDSeesGoesThroughTheAugmentation()
    {
        var (g, d) = Networks();
        int calls = 0;
        var loss = new StyleGan2Loss(g, d, new torch.Generator(1), augment: images => { calls++; return images; });
        var reals = rand(4, 1, 8, 8) * 2 - 1;
        foreach (var (phase, expected) in new[] { (LossPhase.GMain, 1), (LossPhase.DMain, 2), (LossPhase.DReg, 1), (LossPhase.GReg, 0) })
        {
            calls = 0;
            loss.Accumulate(phase, reals, null, randn(4, 8), null, gain: 1);
            Assert.True(expected == calls, $"{phase}: D saw {calls} augmented minibatches, not {expected}.");
        }
    }

    [Fact]
    public void R1IsTheGradientNormThroughTheAugmentation()
    {
        // R1 differentiates D(augment(x)) in the reals x, as NVIDIA's loss does: here augment(x) = flip(x) / 2.
        var (g, d) = Networks();
        Tensor Augment(Tensor images) => images.flip(3) * 0.5;
        var loss = new StyleGan2Loss(g, d, new torch.Generator(1), augment: Augment);
        var reals = rand(4, 1, 8, 8) * 2 - 1;
        var terms = loss.Accumulate(LossPhase.DReg, reals, null, randn(4, 8), null, gain: 1);

        var x = reals.clone().requires_grad_(true);
        var gradient = autograd.grad([d.forward(Augment(x), null).sum()], [x])[0];
        Close.Assert(gradient.square().sum([1, 2, 3]), terms.R1Penalty!, "R1 through the augmentation", tolerance: 1e-5);
    }

    [Fact]
    public void FreezeDKeepsTheFirstLayersOfTheHighestResolution()
    {
        using var run = new TrainingRunState(Tiny with { FreezeD = 2 }, 8, 1, 0, data.Path, CPU);
        var before = run.D.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        new TrainingLoop(run, data, Path.Combine(folder, "frozen"), CPU).Run(CancellationToken.None);
        var after = run.D.state_dict();
        // NVIDIA's numbering: b8.fromrgb is layer 0, b8.conv0 layer 1, then b8.conv1, b8.skip, the epilogue (never frozen).
        foreach (var name in before.Keys.Where(n => n.StartsWith("b8.fromrgb.") || n.StartsWith("b8.conv0.")))
            Assert.True((before[name] == after[name]).all().item<bool>(), $"{name} changed although frozen.");
        foreach (var name in new[] { "b8.conv1.weight", "b4.fc.weight" })
            Assert.False((before[name] == after[name]).all().item<bool>(), $"{name} did not train.");
    }

    [Fact]
    public void TransferFromAnNvidiaSnapshotStartsFromItsWeightsAndItsAugmentation()
    {
        using var source = NetworkFile.Load(NvidiaSnapshot);
        var augmentation = Checkpoint.Augmentation(source, NvidiaSnapshot);
        Assert.NotNull(augmentation);
        Assert.Equal(AugmentPresets.Get("bgc").Hue, augmentation.Value.Config.Hue);
        Assert.Equal(0.23, augmentation.Value.P, 6);

        var options = Tiny with { AugmentPipe = augmentation.Value.Config, AugmentP = augmentation.Value.P, TransferFrom = NvidiaSnapshot };
        var (run, notes) = TrainingRunState.Transfer(options, source, NvidiaSnapshot, 8, 1, 0, data.Path, CPU);
        using (run)
        {
            Assert.Empty(notes);
            foreach (var (expected, actual) in new nn.Module[] { source.G!, source.D!, source.GEma! }.Zip(new nn.Module[] { run.G, run.D, run.GEma }))
                foreach (var (name, tensor) in expected.state_dict())
                    Assert.True((tensor == actual.state_dict()[name]).all().item<bool>(), $"{name} was not copied.");
            Assert.Equal(0.23, run.Augment!.P, 6);
            Assert.Equal(0, run.Counters.CurNimg);
            Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(run, data, Path.Combine(folder, "transfer"), CPU).Run(CancellationToken.None));
        }
    }

    [Fact]
    public void TransferToNetworksOfAnotherShapeNamesTheTensorAndTheFix()
    {
        using var source = NetworkFile.Load(NvidiaSnapshot);
        var e = Assert.Throws<InvalidDataException>(() => TrainingRunState.Transfer(Tiny with { ChannelMax = 16 }, source, NvidiaSnapshot, 8, 1, 0, data.Path, CPU));
        Assert.Contains("has shape", e.Message);
        Assert.Contains("Train with the options the network was made with", e.Message);
        var wrongSize = Assert.Throws<InvalidDataException>(() => TrainingRunState.Transfer(Tiny, source, NvidiaSnapshot, 16, 1, 0, data.Path, CPU));
        Assert.Contains("--resolution 8", wrongSize.Message);
    }

    [Fact]
    public void ACheckpointFromBeforeAugmentationResumesWithout()
    {
        var outdir = Path.Combine(folder, "old");
        using (var run = new TrainingRunState(Tiny with { Augment = AugmentMode.Noaug, TotalKimg = 0.008 }, 8, 1, 0, data.Path, CPU))
            new TrainingLoop(run, data, outdir, CPU).Run(CancellationToken.None);
        // The same checkpoint as the version before augmentation wrote it: its options have no augmentation entries.
        var path = Checkpoint.Newest(outdir)!;
        var old = Path.Combine(folder, "old.safetensors");
        using (var saved = NetworkFile.Load(path))
        {
            var metadata = saved.Metadata.Where(kv => kv.Key is not ("format" or "G_config" or "D_config")).ToDictionary(kv => kv.Key, kv => kv.Value);
            var options = System.Text.Json.Nodes.JsonNode.Parse(metadata["training_options"])!.AsObject();
            foreach (var key in new[] { "augment", "augment_pipe", "augment_p", "ada_target", "ada_interval", "ada_kimg", "freeze_d", "transfer_from" })
                Assert.True(options.Remove(key), key);
            metadata["training_options"] = options.ToJsonString();
            NetworkFile.Write(old, NetworkFile.CheckpointFormat, saved.G!, saved.D!, saved.GEma!, saved.State.ToList(), metadata);
        }
        using var resumed = TrainingRunState.Resume(old, data, CPU, new TrainingSchedule(0.016));
        Assert.Equal(AugmentMode.Noaug, resumed.Options.Augment);
        Assert.Null(resumed.Augment);
        Assert.Equal(TrainingOutcome.Finished, new TrainingLoop(resumed, data, outdir, CPU).Run(CancellationToken.None));
    }
}
