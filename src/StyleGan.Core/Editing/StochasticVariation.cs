using StyleGan.Configs;
using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>The stochastic-variation figures of one seed: one w, many noise draws.</summary>
/// <param name="Samples">A few draws of the noise [samples, C, H, W].</param>
/// <param name="StdMap">The per-pixel standard deviation over all draws, averaged over channels and scaled so its maximum is 1 [1, 1, H, W] in [-1, 1].</param>
/// <param name="MaxStd">The largest per-pixel standard deviation, in image units ([-1, 1] range), before scaling.</param>
/// <param name="ByLayers">Noise in all layers, in none, in the fine layers only, in the coarse only [4, C, H, W].</param>
/// <param name="CoarseUpTo">The largest resolution counted coarse in <paramref name="ByLayers"/>.</param>
public sealed record StochasticVariationFigure(Tensor Samples, Tensor StdMap, double MaxStd, Tensor ByLayers, int CoarseUpTo);

/// <summary>
/// The StyleGAN paper's figures 4 and 5: noise changes only stochastic detail (hair, strokes), so the same w under
/// different noise draws differs only there, which the standard-deviation map shows; and noise in the coarse layers
/// moves larger structures than noise in the fine ones.
/// </summary>
public static class StochasticVariation
{
    /// <param name="sampler">The generator to sample.</param>
    /// <param name="seed">The seed of the one w.</param>
    /// <param name="samples">Noise draws shown (the paper shows 2-4 beside crops).</param>
    /// <param name="draws">Noise draws the standard deviation is taken over (the paper: 100).</param>
    /// <param name="noiseSeed">Seeds the noise draws.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation trick.</param>
    public static StochasticVariationFigure Run(Sampler sampler, uint seed, int samples = 8, int draws = 100, ulong noiseSeed = 0, int? classIndex = null,
        Truncation? truncation = null)
    {
        if (NoiseInputs.Of(sampler.Generator.Synthesis).Count == 0)
            throw new InvalidValueException("Network", "this network has no per-pixel noise inputs (StyleGAN3's layers take none, nor does a network built without noise): stochastic variation shows what that noise changes.");
        if (samples < 1 || samples > draws) throw new InvalidValueException("Samples", $"the samples shown ({samples}) must be between 1 and the draws ({draws}).");
        if (draws is < 2 or > 100_000) throw new InvalidValueException("Draws", $"the noise draws {draws} are outside [2, 100000].");
        using var scope = NewDisposeScope();
        var w = sampler.MapSeeds([seed], classIndex, truncation);
        // The draws stream through in batches (100 images of 1024x1024 would take 1.2 GB at once), each batch with
        // noise seeded by its index, and only sums are kept.
        Tensor? sum = null, sumOfSquares = null, shown = null;
        for (int start = 0, batch = 0; start < draws; start += sampler.BatchSize, batch++)
        {
            int count = Math.Min(sampler.BatchSize, draws - start);
            using var batchScope = NewDisposeScope();
            var images = sampler.Synthesize(w.expand(count, -1, -1), new NoiseSettings(NoiseMode.Random, noiseSeed + (ulong)batch)).to(float64);
            var batchSum = images.sum(0, keepdim: true);
            var batchSquares = images.square().sum(0, keepdim: true);
            sum = (sum is null ? batchSum : sum + batchSum).MoveToOuterDisposeScope();
            sumOfSquares = (sumOfSquares is null ? batchSquares : sumOfSquares + batchSquares).MoveToOuterDisposeScope();
            if (start < samples)
            {
                var part = images.narrow(0, 0, Math.Min(count, samples - start)).to(float32);
                shown = (shown is null ? part : cat([shown, part], 0)).MoveToOuterDisposeScope();
            }
        }
        // The unbiased variance from the sums, as torch.std computes it; clamped, since rounding can make it slightly negative.
        var variance = ((sumOfSquares! - sum!.square() / draws) / (draws - 1)).clamp_min(0);
        var std = variance.sqrt().mean([1], keepdim: true);
        double maxStd = std.max().item<double>();
        var stdMap = (maxStd > 0 ? std / maxStd : std) * 2 - 1;

        var synthesis = sampler.Generator.Synthesis;
        int log2 = (int)Math.Log2(synthesis.ImgResolution);
        int coarseUpTo = 1 << ((2 + log2 + 1) / 2 - 1); // the lower half of the resolutions: 4-32 at 1024, as in the paper
        var random = new NoiseSettings(NoiseMode.Random, noiseSeed);
        var byLayers = cat([
            sampler.Synthesize(w, random),
            sampler.Synthesize(w, new NoiseSettings(NoiseMode.None)),
            NoiseInputs.WithOnly(synthesis, input => input.Resolution > coarseUpTo, () => sampler.Synthesize(w, random)),
            NoiseInputs.WithOnly(synthesis, input => input.Resolution <= coarseUpTo, () => sampler.Synthesize(w, random)),
        ], 0);
        return new StochasticVariationFigure(shown!.MoveToOuterDisposeScope(), stdMap.to(float32).MoveToOuterDisposeScope(), maxStd,
            byLayers.MoveToOuterDisposeScope(), coarseUpTo);
    }
}
