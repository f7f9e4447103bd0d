using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>
/// The 2019 family steps in the original's units: the parameters ours stores at 1/sqrt 2 of NVIDIA's (README's naming
/// contract) take 1/sqrt 2 of Adam's step, so that in NVIDIA's units every parameter moves as its training moves it.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class OriginalUnitsTests
{
    [Fact]
    public void TheParametersStoredAtOneOverSqrt2AreThoseOfTheNamingContract()
    {
        var options = Presets.Get("sg1-f", 16) with { ZDim = 16, ChannelMax = 8 };
        using var run = new TrainingRunState(options, 16, 1, 0, "memory", CPU);
        var names = Names(run.G);
        var scaled = OriginalUnits.Of(run.G).Select(parameter => names[parameter]).Order(StringComparer.Ordinal).ToList();
        string[] layers = ["b4.input", "b4.conv1", "b8.conv0", "b8.conv1", "b16.conv0", "b16.conv1"];
        var expected = Enumerable.Range(0, 8).Select(i => $"mapping.fc{i}.bias")
            .Concat(layers.Select(layer => $"synthesis.{layer}.bias"))
            .Concat(layers.Select(layer => $"synthesis.{layer}.noise_strength"))
            .Append("synthesis.b4.input.const").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, scaled);
        var dNames = Names(run.D);
        Assert.Equal(["b16.conv0.bias", "b16.conv1.bias", "b16.fromrgb.bias", "b4.conv.bias", "b4.fc.bias", "b4.fromrgb.bias", "b8.conv0.bias", "b8.conv1.bias", "b8.fromrgb.bias"],
            OriginalUnits.Of(run.D).Select(parameter => dNames[parameter]).Order(StringComparer.Ordinal));
        // StyleGAN2's parameters are stored as NVIDIA's own StyleGAN2 stores them.
        using var sg2 = new TrainingRunState(Presets.Get("cpu-tiny", 16) with { ZDim = 16, ChannelMax = 8 }, 16, 1, 0, "memory", CPU);
        Assert.Empty(OriginalUnits.Of(sg2.G));
        Assert.Empty(OriginalUnits.Of(sg2.D));
    }

    static Dictionary<TorchSharp.Modules.Parameter, string> Names(TorchSharp.torch.nn.Module network)
    {
        var names = new Dictionary<TorchSharp.Modules.Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in network.named_parameters()) names[parameter] = name;
        return names;
    }

    // Adam's first step with beta1 = 0 is lr * g / (|g| + eps): lr in the original's units for every parameter whose
    // gradient is not tiny, so lr / sqrt 2 in ours for the parameters stored at 1/sqrt 2.
    [Fact]
    public void AFirstAdamStepMovesEveryParameterByTheLearningRateInTheOriginalsUnits()
    {
        manual_seed(4);
        var options = Presets.Get("sg1-f", 16) with { ZDim = 16, ChannelMax = 8, Batch = 4, Seed = 4 };
        using var run = new TrainingRunState(options, 16, 1, 0, "memory", CPU);
        var reals = rand(4, 1, 16, 16) * 2 - 1;
        foreach (var phase in run.Phases)
        {
            var before = phase.Parameters.Select(parameter => parameter.detach().clone()).ToList();
            phase.Run(run.Loss, reals, null, randn(4, 16), null, curNimg: 0);
            var scaled = phase.ScaledStep.ToHashSet(ReferenceEqualityComparer.Instance);
            Assert.NotEmpty(scaled);
            foreach (var (parameter, previous) in phase.Parameters.Zip(before))
            {
                if (parameter.grad is null) continue; // a layer the lod does not use yet: Adam leaves it alone
                var moved = (parameter.detach() - previous).abs().to(float64);
                var stepped = parameter.grad.abs() > 1e-4; // eps (1e-8) is then below 1e-4 of the step
                if (!stepped.any().item<bool>()) continue;
                double expected = options.LearningRate * (scaled.Contains(parameter) ? 1 / Math.Sqrt(2) : 1);
                // The step is a difference of float32 values: two units in the last place of the value it moved
                // (the mapping's weights are ~100: lr multiplier 0.01), and eps's share.
                var allowed = previous.abs().to(float64) * Math.Pow(2, -22) + expected * 1e-4;
                var excess = ((moved - expected).abs() - allowed).masked_select(stepped).max().item<double>();
                Assert.True(excess <= 0, $"{phase.Phase}: a parameter of shape [{string.Join(", ", parameter.shape)}] moved up to {moved.masked_select(stepped).max().item<double>():E4}, not {expected:E4}");
            }
        }
    }
}
