using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>The truncation figure: one row per seed, one column per psi, from the same w.</summary>
public static class TruncationSweep
{
    /// <returns>[seeds * psis, C, H, W], row-major (seed by seed).</returns>
    /// <param name="sampler">The generator to sample.</param>
    /// <param name="seeds">One row each.</param>
    /// <param name="psis">One column each (1: no truncation, 0: the w_avg image).</param>
    /// <param name="cutoff">Truncate only the first this-many ws (null: the network's own cutoff, else all).</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="noise">The per-pixel noise.</param>
    public static Tensor Run(Sampler sampler, IReadOnlyList<uint> seeds, IReadOnlyList<double> psis, int? cutoff = null, int? classIndex = null,
        NoiseSettings? noise = null)
    {
        if (seeds.Count == 0 || psis.Count == 0) throw new InvalidValueException("Psi", "the truncation figure needs at least one seed and one psi.");
        foreach (double psi in psis) Networks.Truncation.Check(psi, cutoff, sampler.NumWs, "Psi", "Cutoff");
        using var scope = NewDisposeScope();
        var ws = sampler.MapSeeds(seeds, classIndex);
        var wAvg = sampler.WAvg.cpu();
        int? applied = sampler.Generator.Mapping.Cutoff(cutoff);
        var swept = stack(psis.Select(psi => Truncation.Apply(ws, wAvg, psi, applied)).ToList(), 1); // [seeds, psis, num_ws, w_dim]
        return sampler.Synthesize(swept.flatten(0, 1), noise).MoveToOuterDisposeScope();
    }
}
