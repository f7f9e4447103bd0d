using System.Text.Json.Nodes;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Training;

public sealed class LossInRepositoryReferenceTests() : LossReferenceTests(ReferenceSet.InRepository);
public sealed class LossConditional64ReferenceTests() : LossReferenceTests(ReferenceSet.Conditional64);
public sealed class LossSharedReferenceTests() : LossReferenceTests(ReferenceSet.Shared);
public sealed class LossEnvironmentReferenceTests() : LossReferenceTests(ReferenceSet.FromEnvironment);

/// <summary>
/// Our StyleGan2Loss against NVIDIA's StyleGAN2Loss.accumulate_gradients, replayed phase by phase in float64 from a
/// set's loss.safetensors: the stored draws (mixing cutoff and latents, path-length noise, pl_mean) replace the
/// random ones, the synthesis runs with const noise, and every size and option comes from the file's metadata.
/// </summary>
public abstract class LossReferenceTests(ReferenceSet set) : IDisposable
{
    // Float64 on both sides: only float64's last bits differ (measured: 5e-15), see GradientReference.Float64Tolerance.
    const double Tolerance = GradientReference.Float64Tolerance;

    SafetensorsFile? reference;
    SafetensorsFile Reference => reference ??= set.Load("loss");
    Tensor Ref(string name) => Reference[name];
    Tensor? Labels => Reference.Tensors.GetValueOrDefault("in.c");
    JsonNode Options => JsonNode.Parse(Reference.Metadata["loss_options"])!;

    public void Dispose() => reference?.Dispose();

    [SkippableFact]
    public void GeneratorMainPhaseMatchesReference()
    {
        using var replay = new Replay(this);
        var terms = replay.Run(LossPhase.GMain, gain: 1, new LossDraws(SynthesisNoise: NoiseMode.Const));
        Close.Assert(Ref("out.Gmain.loss"), terms.GMain!.mean().reshape(1), "Gmain loss", Tolerance);
        Close.Assert(Ref("out.Gmain.w_avg"), replay.G.Mapping.WAvg, "w_avg after Gmain", Tolerance);
        replay.AssertGradients(replay.G, "Gmain");
    }

    [SkippableFact]
    public void GeneratorMainPhaseWithStyleMixingMatchesReference()
    {
        using var replay = new Replay(this);
        var mixing = new StyleMix((long)Ref("in.mix_cutoff").item<double>(), Ref("in.mix_z"));
        var terms = replay.Run(LossPhase.GMain, gain: 1, new LossDraws(mixing, SynthesisNoise: NoiseMode.Const));
        Close.Assert(Ref("out.Gmain_mix.loss"), terms.GMain!.mean().reshape(1), "Gmain_mix loss", Tolerance);
        replay.AssertGradients(replay.G, "Gmain_mix");
    }

    [SkippableFact]
    public void PathLengthPhaseMatchesReference()
    {
        using var replay = new Replay(this);
        double weight = Options["pl_weight"]!.GetValue<double>();
        var terms = replay.Run(LossPhase.GReg, gain: Options["G_reg_interval"]!.GetValue<int>(),
            new LossDraws(PathLengthNoise: Ref("in.pl_noise"), SynthesisNoise: NoiseMode.Const));
        Close.Assert(Ref("out.Greg.pl_penalty"), terms.PlPenalty!, "pl_penalty", Tolerance);
        Close.Assert(Ref("out.Greg.pl_mean"), replay.Loss.PlMean.reshape(1), "pl_mean after Greg", Tolerance);
        Close.Assert(Ref("out.Greg.loss"), (terms.PlPenalty! * weight).mean().reshape(1), "Greg loss", Tolerance);
        replay.AssertGradients(replay.G, "Greg");
    }

    [SkippableFact]
    public void DiscriminatorMainPhaseMatchesReference()
    {
        using var replay = new Replay(this);
        var terms = replay.Run(LossPhase.DMain, gain: 1, new LossDraws(SynthesisNoise: NoiseMode.Const));
        Close.Assert(Ref("out.Dmain.scores_fake"), terms.ScoresFake!, "scores_fake", Tolerance);
        Close.Assert(Ref("out.Dmain.scores_real"), terms.ScoresReal!, "scores_real", Tolerance);
        Close.Assert(Ref("out.Dmain.loss"), (terms.DFake!.mean() + terms.DReal!.mean()).reshape(1), "Dmain loss", Tolerance);
        replay.AssertGradients(replay.D, "Dmain");
    }

    [SkippableFact]
    public void R1PhaseMatchesReference()
    {
        using var replay = new Replay(this);
        double gamma = Options["r1_gamma"]!.GetValue<double>();
        var terms = replay.Run(LossPhase.DReg, gain: Options["D_reg_interval"]!.GetValue<int>(), new LossDraws(SynthesisNoise: NoiseMode.Const));
        Close.Assert(Ref("out.Dreg.r1_penalty"), terms.R1Penalty!, "r1_penalty", Tolerance);
        Close.Assert(Ref("out.Dreg.loss"), (terms.R1Penalty! * (gamma / 2)).mean().reshape(1), "Dreg loss", Tolerance);
        replay.AssertGradients(replay.D, "Dreg");
    }

    /// <summary>G and D in float64 from the stored parameters, in training mode, and a loss with the file's options.</summary>
    sealed class Replay : IDisposable
    {
        readonly LossReferenceTests test;
        readonly torch.Generator random = new(0);
        public Generator G { get; }
        public Discriminator D { get; }
        public StyleGan2Loss Loss { get; }

        public Replay(LossReferenceTests test)
        {
            this.test = test;
            var file = test.Reference;
            G = new Generator(GeneratorConfig.FromJson(file.Metadata["G_config"], "loss.safetensors"));
            D = new Discriminator(DiscriminatorConfig.FromJson(file.Metadata["D_config"], "loss.safetensors"));
            G.to(float64);
            D.to(float64);
            StateDict.Load(G, file.Tensors, "param.G.");
            StateDict.Load(D, file.Tensors, "param.D.");
            G.train();
            D.train();
            var options = test.Options;
            // Mixing is given explicitly where a phase mixes, so the loss's own probability never draws.
            Loss = new StyleGan2Loss(G, D, random, styleMixingProb: 0, r1Gamma: options["r1_gamma"]!.GetValue<double>(),
                plBatchShrink: options["pl_batch_shrink"]!.GetValue<int>(), plDecay: options["pl_decay"]!.GetValue<double>(),
                plWeight: options["pl_weight"]!.GetValue<double>());
            using (no_grad()) Loss.PlMean.copy_(test.Ref("in.pl_mean").reshape(Array.Empty<long>()));
        }

        /// <summary>One phase from zero gradients, with only the phase's network requiring gradients, as the training loop runs it.</summary>
        public LossTerms Run(LossPhase phase, double gain, LossDraws draws)
        {
            var module = phase is LossPhase.GMain or LossPhase.GReg ? (nn.Module)G : D;
            TrainingPhase.SetRequiresGrad(G.parameters(), false);
            TrainingPhase.SetRequiresGrad(D.parameters(), false);
            TrainingPhase.SetRequiresGrad(module.parameters(), true);
            var labels = test.Labels?.to(float64);
            return Loss.Accumulate(phase, test.Ref("in.real_img"), labels, test.Ref("in.z"), labels, gain, draws);
        }

        public void AssertGradients(nn.Module module, string phase)
        {
            var expected = ReferenceData.WithPrefix(test.Reference, $"grad.{phase}.");
            var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assert.Equal(expected.Keys.OrderBy(k => k), parameters.Keys.OrderBy(k => k));
            foreach (var (name, grad) in expected)
                Close.Assert(grad, parameters[name].grad ?? throw new Xunit.Sdk.XunitException($"{phase}: {name} got no gradient"), $"{phase} grad {name}", Tolerance);
        }

        public void Dispose()
        {
            G.Dispose();
            D.Dispose();
            random.Dispose();
        }
    }
}
