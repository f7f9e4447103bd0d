using StyleGan.Configs;
using StyleGan.Networks;
using TorchSharp.Modules;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>
/// The 2019 family's parameters that ours stores at 1/sqrt 2 of the original's value: the biases before a leaky ReLU
/// (mapping, synthesis layers, discriminator blocks and epilogue), the noise weights and the const (README's naming
/// contract; the gain sits after the activation here, in the weights there). Adam's step does not depend on the
/// gradient's scale, so at the same learning rate these would move sqrt 2 faster than NVIDIA's 2019 training moves
/// them in its units; their step is taken at <see cref="StepFactor"/> of the others' to move as the original's do.
/// StyleGAN2's own parameters are stored this way by NVIDIA too, and keep their step.
/// </summary>
public static class OriginalUnits
{
    /// <summary>The step of a parameter stored at 1/sqrt 2, relative to the others'.</summary>
    public static readonly double StepFactor = 1 / Math.Sqrt(2);

    /// <summary>G's parameters stored at 1/sqrt 2 of the 2019 original's (none for StyleGAN2's generator).</summary>
    /// <param name="generator">The generator.</param>
    public static IReadOnlyList<Parameter> Of(Generator generator)
    {
        if (generator.Config.SynthesisKwargs.Normalization == SynthesisNormalization.Demodulation) return [];
        return generator.named_parameters().Where(pair => IsGeneratorScaled(pair.name)).Select(pair => pair.parameter).ToList();
    }

    /// <summary>D's parameters stored at 1/sqrt 2 of the 2019 original's (none for StyleGAN2's discriminator).</summary>
    /// <param name="discriminator">The discriminator.</param>
    public static IReadOnlyList<Parameter> Of(Discriminator discriminator)
    {
        // Nearest and nearest-blur resampling are the 2019 discriminator's; StyleGAN2's resamples with its FIR filter.
        if (discriminator.Config.Resampling == Resampling.Fir) return [];
        return discriminator.named_parameters().Where(pair => IsDiscriminatorScaled(pair.name)).Select(pair => pair.parameter).ToList();
    }

    // mapping.fc{i}.bias, synthesis.bR.{input,conv0,conv1}.bias, .noise_strength, synthesis.b4.input.const; not the
    // toRGB's bias (no activation follows) nor the style's (affine.bias, StyleMod's, stored as the original's).
    static bool IsGeneratorScaled(string name) =>
        name.StartsWith("mapping.fc", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal)
        || name.StartsWith("synthesis.", StringComparison.Ordinal) && !name.Contains(".torgb.", StringComparison.Ordinal) && !name.Contains(".affine.", StringComparison.Ordinal)
            && (name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".noise_strength", StringComparison.Ordinal) || name.EndsWith(".const", StringComparison.Ordinal));

    // bR.fromrgb.bias, bR.conv0.bias, bR.conv1.bias, b4.conv.bias, b4.fc.bias; not b4.out (no activation follows) nor
    // the label mapping, which the original does not have.
    static bool IsDiscriminatorScaled(string name) =>
        name.EndsWith(".bias", StringComparison.Ordinal) && !name.StartsWith("mapping.", StringComparison.Ordinal) && name != "b4.out.bias";
}
