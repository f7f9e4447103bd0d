using System.Globalization;
using System.Text.Json.Nodes;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Tests.Networks;
using StyleGan.Training;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Training;

public sealed class StyleGan1LossFReferenceTests() : StyleGan1LossReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-f");
public sealed class StyleGan1LossAReferenceTests() : StyleGan1LossReferenceTests(ReferenceSet.StyleGan1InRepository, "sg1-a");
public sealed class StyleGan1LossEnvironmentFReferenceTests() : StyleGan1LossReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-f");
public sealed class StyleGan1LossEnvironmentAReferenceTests() : StyleGan1LossReferenceTests(ReferenceSet.StyleGan1FromEnvironment, "sg1-a");

/// <summary>
/// One D step and one G step of the 2019 recipe through our StyleGan2Loss, replayed in float64 from a
/// <c>&lt;preset&gt;-loss.safetensors</c> of tests/fixtures/reference-sg1 at its fractional lod: config F against genforce's
/// LogisticGANLoss (non-saturating logistic, R1 at every D step, style mixing), config A against NVIDIA's WGAN-GP with
/// drift. The stored draws (latents, mixing latents and cutoff, the penalty's factors) replace the random ones, the
/// synthesis adds the stored noise, and every size and option comes from the file.
/// </summary>
public abstract class StyleGan1LossReferenceTests(ReferenceSet set, string preset) : IDisposable
{
    // Float64 on both sides: only float64's last bits differ, see GradientReference.Float64Tolerance.
    const double Tolerance = GradientReference.Float64Tolerance;

    SafetensorsFile? reference;

    // Opened on first use, so that a test of an absent extra set is skipped rather than failed.
    SafetensorsFile Reference => reference ??= set.Load($"{preset}-loss");
    Tensor Ref(string name) => Reference[name];
    JsonNode Options => JsonNode.Parse(Reference.Metadata["loss_options"])!;
    double Option(string name) => Options[name]!.GetValue<double>();
    bool Wgan => Options["loss"]!.GetValue<string>() == "wgan_gp";
    double Lod => double.Parse(Reference.Metadata["lod"], CultureInfo.InvariantCulture);
    string FileName => $"{preset}-loss.safetensors";

    public void Dispose() => reference?.Dispose();

    /// <summary>
    /// The file's loss is what our preset trains with, and each network's step is one phase with its whole loss (no
    /// path length term, D's penalty at every step), so that the replay's GBoth and DBoth phases are the preset's.
    /// </summary>
    [SkippableFact]
    public void LossOptionsAreThePresets()
    {
        var options = Presets.Get(preset, GeneratorConfig.FromJson(Reference.Metadata["G_config"], set.Name).ImgResolution);
        Assert.Equal(0, options.PlWeight);
        Assert.Null(options.DRegInterval);
        if (Wgan)
        {
            Assert.Equal(AdversarialLoss.WganGp, options.Loss);
            Assert.Equal(Option("wgan_lambda"), options.WganLambda);
            Assert.Equal(Option("wgan_epsilon"), options.WganEpsilon);
            Assert.Equal(1, Option("wgan_target")); // ours penalizes the distance of the norm from 1
        }
        else
        {
            Assert.Equal(AdversarialLoss.Logistic, options.Loss);
            Assert.Equal(Option("r1_gamma"), options.Gamma);
            Assert.Equal(Option("style_mixing_prob"), options.StyleMixing);
        }
    }

    /// <summary>
    /// What D sees as reals at the lod: ours from the uint8 images at full resolution, the reference from NVIDIA's
    /// dataset level faded and up-sampled by genforce. Ours is float32: three roundings (range, 2x2 average, fade).
    /// </summary>
    [SkippableFact]
    public void RealsMatchReference() =>
        Close.Assert(Ref("out.reals"), ProgressiveReals.At(Ref("in.reals_uint8"), Lod), "reals", Float32Rounding.Bound(4, 3));

    [SkippableFact]
    public void FakesMatchReference()
    {
        foreach (var step in new[] { "D", "G" })
        {
            using var replay = new Replay(this);
            using var _ = no_grad();
            var fakes = replay.Loss.RunGenerator(Ref($"in.{step}.z"), null, Draws(step)).Img;
            Close.Assert(Ref($"out.{step}.fakes"), fakes, $"{step} step fakes", Tolerance);
        }
    }

    [SkippableFact]
    public void DiscriminatorStepMatchesReference()
    {
        using var replay = new Replay(this);
        var terms = replay.Run(LossPhase.DBoth, Draws("D"));
        Close.Assert(Ref("out.D.scores_fake"), terms.ScoresFake!, "scores_fake", Tolerance);
        Close.Assert(Ref("out.D.scores_real"), terms.ScoresReal!, "scores_real", Tolerance);
        if (Wgan)
        {
            Close.Assert(Ref("out.D.gradient_penalty"), terms.GradientPenalty!, "gradient penalty", Tolerance);
            Close.Assert(Ref("out.D.epsilon_penalty") * Option("wgan_epsilon") - Ref("out.D.scores_real"), terms.DReal!, "real term with drift", Tolerance);
            var loss = terms.DFake!.mean() + terms.GradientPenalty!.mean() * Option("wgan_lambda") + terms.DReal!.mean();
            Close.Assert(Ref("out.D.loss"), loss.reshape(1), "D loss", Tolerance);
        }
        else
        {
            var logistic = terms.DFake!.mean() + terms.DReal!.mean();
            Close.Assert(Ref("out.D.d_loss"), logistic.reshape(1), "logistic D loss", Tolerance);
            Close.Assert(Ref("out.D.r1_penalty"), terms.R1Penalty!.mean().reshape(1), "R1 penalty", Tolerance);
            Close.Assert(Ref("out.D.loss"), (logistic + terms.R1Penalty!.mean() * (Option("r1_gamma") / 2)).reshape(1), "D loss", Tolerance);
            Close.Assert(Ref("out.D.w_avg"), replay.G.Mapping.WAvg, "w_avg after the D step", Tolerance);
        }
        replay.AssertGradients(replay.D, "D");
    }

    [SkippableFact]
    public void GeneratorStepMatchesReference()
    {
        using var replay = new Replay(this);
        var terms = replay.Run(LossPhase.GBoth, Draws("G"));
        Close.Assert(Ref("out.G.loss"), terms.GMain!.mean().reshape(1), "G loss", Tolerance);
        if (!Wgan) Close.Assert(Ref("out.G.w_avg"), replay.G.Mapping.WAvg, "w_avg after the G step", Tolerance);
        replay.AssertGradients(replay.G, "G");
    }

    // The step's stored draws; the noise is the stored noise buffers'.
    LossDraws Draws(string step)
    {
        if (Wgan) return new LossDraws(SynthesisNoise: NoiseMode.Const, GradientPenaltyFactors: step == "D" ? Ref("in.D.mix_factors") : null);
        // genforce mixes where its uniform draw is below the probability; the stored one is, so the cutoff applies.
        Assert.True(Ref($"in.{step}.mix_uniform").item<double>() < Option("style_mixing_prob"), $"{step} step: the stored draw mixes no styles.");
        var mixing = new StyleMix((long)Ref($"in.{step}.mix_cutoff").item<double>(), Ref($"in.{step}.mix_z"));
        return new LossDraws(mixing, SynthesisNoise: NoiseMode.Const);
    }

    /// <summary>G and D in float64 from the stored parameters (the lod with them), in training mode, and a loss with the file's options.</summary>
    sealed class Replay : IDisposable
    {
        readonly StyleGan1LossReferenceTests test;
        readonly torch.Generator random = new(0);
        public Generator G { get; }
        public Discriminator D { get; }
        public StyleGan2Loss Loss { get; }

        public Replay(StyleGan1LossReferenceTests test)
        {
            this.test = test;
            var file = test.Reference;
            G = new Generator(GeneratorConfig.FromJson(file.Metadata["G_config"], test.FileName));
            D = new Discriminator(DiscriminatorConfig.FromJson(file.Metadata["D_config"], test.FileName));
            G.to(float64);
            D.to(float64);
            StateDict.Load(G, file.Tensors, "param.G.");
            // NVIDIA's networks have no variables for our fixed resampling filters (see StyleGan1DiscriminatorReferenceTests).
            StateDict.Load(D, file.Tensors, "param.D.", strict: false);
            G.train();
            D.train();
            // The draws are given for every generator run, so the loss's own mixing probability never draws.
            Loss = test.Wgan
                ? new StyleGan2Loss(G, D, random, styleMixingProb: 0, r1Gamma: 0, plWeight: 0, kind: AdversarialLoss.WganGp,
                    wganLambda: test.Option("wgan_lambda"), wganEpsilon: test.Option("wgan_epsilon"))
                : new StyleGan2Loss(G, D, random, styleMixingProb: 0, r1Gamma: test.Option("r1_gamma"), plWeight: 0);
        }

        /// <summary>One step from zero gradients, with only the step's network requiring gradients, as the training loop runs it.</summary>
        public LossTerms Run(LossPhase phase, LossDraws draws)
        {
            var module = phase == LossPhase.GBoth ? (nn.Module)G : D;
            TrainingPhase.SetRequiresGrad(G.parameters(), false);
            TrainingPhase.SetRequiresGrad(D.parameters(), false);
            TrainingPhase.SetRequiresGrad(module.parameters(), true);
            string step = phase == LossPhase.GBoth ? "G" : "D";
            return Loss.Accumulate(phase, test.Ref("out.reals"), null, test.Ref($"in.{step}.z"), null, gain: 1, draws);
        }

        /// <summary>Every gradient genforce computed, and none (or zero) for the layers the lod leaves out.</summary>
        public void AssertGradients(nn.Module module, string step) =>
            StyleGan1Lods.AssertGradients(ReferenceData.WithPrefix(test.Reference, $"grad.{step}."), module, $"{step} step grad", Tolerance);

        public void Dispose()
        {
            G.Dispose();
            D.Dispose();
            random.Dispose();
        }
    }
}
