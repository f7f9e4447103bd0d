using System.Text.Json.Nodes;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>
/// Our loss in its stylegan3 version against NVIDIA's stylegan3 training/loss.py (tests/fixtures/stylegan3-loss, made
/// by make_fixtures.py there): configs T and R, each network read from the pickle NVIDIA's code wrote, each phase run
/// alone as training_loop.py runs it, at an image count where R's blur of D's images is under way. Scores, R1
/// penalties and every gradient to 1e-4 (float32 on both sides); which parameters get no gradient at all; and the
/// moving averages only D's main phase advances.
/// </summary>
[Collection(ExactResults.Collection)]
public sealed class StyleGan3LossReferenceTests
{
    const double Tolerance = 1e-4;

    static string Fixture(string name) => Path.Combine(ReferenceData.Fixture("stylegan3-loss"), name);

    public static TheoryData<string> Configs() => new() { "t", "r" };

    [Theory]
    [MemberData(nameof(Configs))]
    public void GeneratorMainPhaseMatchesNvidias(string config)
    {
        using var replay = new Replay(config);
        var terms = replay.Run(LossPhase.GMain, gain: 1);
        Close.Assert(replay.Set["out.Gmain.scores_fake"], terms.ScoresFake!.reshape(-1), "Gmain scores", Tolerance);
        replay.AssertGradients("Gmain", replay.G);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void DiscriminatorMainPhaseMatchesNvidiasAndAdvancesTheMovingAverages(string config)
    {
        using var replay = new Replay(config);
        var terms = replay.Run(LossPhase.DMain, gain: 1);
        Close.Assert(replay.Set["out.Dmain.scores_fake"], terms.ScoresFake!.reshape(-1), "Dmain scores_fake", Tolerance);
        Close.Assert(replay.Set["out.Dmain.scores_real"], terms.ScoresReal!.reshape(-1), "Dmain scores_real", Tolerance);
        replay.AssertGradients("Dmain", replay.D);
        var buffers = replay.G.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var averages = replay.Set.Tensors.Keys.Where(k => k.StartsWith("out.Dmain.G.", StringComparison.Ordinal)).ToList();
        Assert.Equal(1 + replay.G.Synthesis.Layers().Count(), averages.Count);
        foreach (var key in averages)
            Close.Assert(replay.Set[key], buffers[key["out.Dmain.G.".Length..]].reshape(-1), key, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GeneratorPhaseLeavesTheMovingAveragesAlone(string config)
    {
        using var replay = new Replay(config);
        var before = replay.G.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());
        replay.Run(LossPhase.GMain, gain: 1);
        foreach (var (name, buffer) in replay.G.named_buffers())
            Assert.True(before[name].equal(buffer).all().item<bool>(), $"{name} changed in Gmain; stylegan3's loss advances it only for D's fakes.");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void R1PhaseMatchesNvidias(string config)
    {
        using var replay = new Replay(config);
        var terms = replay.Run(LossPhase.DReg, gain: replay.Options["D_reg_interval"]!.GetValue<int>());
        Close.Assert(replay.Set["out.Dreg.r1_penalty"], terms.R1Penalty!, "r1_penalty", Tolerance);
        replay.AssertGradients("Dreg", replay.D);
    }

    [Fact]
    public void BlurFadesAsNvidiasDoes()
    {
        using var replay = new Replay("r");
        // blur_init_sigma 10 fading over 1 kimg: 10 at the start, 1.5 at 850 images, none from 1000 on.
        Assert.Equal(10, replay.Loss.BlurSigma(0), 12);
        Assert.Equal(1.5, replay.Loss.BlurSigma(850), 12);
        Assert.Equal(0, replay.Loss.BlurSigma(1000));
        Assert.Equal(0, replay.Loss.BlurSigma(5000));
    }

    /// <summary>G and D from the config's pickle, in training mode, and the stylegan3 loss with the file's options.</summary>
    sealed class Replay : IDisposable
    {
        readonly NetworkSet networks;
        public SafetensorsFile Set { get; }
        public JsonNode Options { get; }
        public StyleGan.Networks.Generator G => networks.G!;
        public Discriminator D => networks.D!;
        public StyleGan2Loss Loss { get; }
        readonly long curNimg;

        public Replay(string config)
        {
            networks = NetworkFile.Load(Fixture($"loss-{config}.pkl"), NetworkParts.G | NetworkParts.D);
            Set = Safetensors.Load(Fixture($"loss-{config}.safetensors"));
            Options = JsonNode.Parse(Set.Metadata["loss_options"])!;
            G.train();
            D.train();
            curNimg = Options["cur_nimg"]!.GetValue<long>();
            Loss = new StyleGan2Loss(G, D, new torch.Generator(0), styleMixingProb: 0, r1Gamma: Options["r1_gamma"]!.GetValue<double>(), plWeight: 0,
                blurInitSigma: Options["blur_init_sigma"]?.GetValue<double>() ?? 0, blurFadeKimg: Options["blur_fade_kimg"]?.GetValue<double>() ?? 0,
                version: LossVersion.StyleGan3);
        }

        /// <summary>One phase as the training loop runs it: only its network requiring gradients, from none.</summary>
        public LossTerms Run(LossPhase phase, double gain)
        {
            nn.Module module = phase is LossPhase.GMain ? G : D;
            TrainingPhase.SetRequiresGrad(G.parameters(), false);
            TrainingPhase.SetRequiresGrad(D.parameters(), false);
            TrainingPhase.SetRequiresGrad(module.parameters(), true);
            return Loss.Accumulate(phase, Set["in.real_img"], null, Set["in.z"], null, gain, curNimg: curNimg);
        }

        public void AssertGradients(string phase, nn.Module module)
        {
            var expected = ReferenceData.WithPrefix(Set, $"grad.{phase}.");
            foreach (var (name, parameter) in module.named_parameters())
            {
                if (expected.TryGetValue(name, out var grad))
                    Close.Assert(grad, parameter.grad ?? throw new Xunit.Sdk.XunitException($"{phase}: {name} got no gradient"), $"{phase} grad {name}", Tolerance);
                else
                    Assert.True(parameter.grad is null, $"{phase}: {name} got a gradient; NVIDIA's stylegan3 loss gives it none, so Adam must not step it.");
            }
            Assert.Equal(expected.Count, module.named_parameters().Count(p => p.parameter.grad is not null));
        }

        public void Dispose()
        {
            networks.Dispose();
            Set.Dispose();
        }
    }
}
