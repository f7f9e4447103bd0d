using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>One synthesis layer's noise input: its stored noise and learned strength.</summary>
/// <param name="Name">The layer's name in the state dict ("b8.conv0").</param>
/// <param name="WIndex">The index of the w the layer takes.</param>
/// <param name="Resolution">The resolution the noise is added at.</param>
/// <param name="Const">The stored noise [Resolution, Resolution] that NoiseMode.Const adds.</param>
/// <param name="Strength">The learned scalar the noise is multiplied by.</param>
public sealed record NoiseInput(string Name, int WIndex, int Resolution, Tensor Const, Tensor Strength);

/// <summary>The noise inputs of a synthesis network, and synthesis with only some of them on.</summary>
public static class NoiseInputs
{
    /// <summary>Every layer that adds noise, in synthesis order.</summary>
    /// <param name="synthesis">The network.</param>
    public static IReadOnlyList<NoiseInput> Of(SynthesisNetwork synthesis) =>
        synthesis.Layers().Where(l => l.Layer.NoiseConst is not null)
            .Select(l => new NoiseInput(l.Name, l.WIndex, l.Layer.Resolution, l.Layer.NoiseConst!, l.Layer.NoiseStrength!)).ToList();

    /// <summary>
    /// Runs <paramref name="body"/> with the noise strengths of the layers <paramref name="keep"/> rejects set to 0, and
    /// puts them back after, even when it throws. Zero strength is exactly no noise in that layer, in every mode.
    /// </summary>
    /// <param name="synthesis">The network.</param>
    /// <param name="keep">Which layers keep their noise.</param>
    /// <param name="body">The synthesis to run.</param>
    public static T WithOnly<T>(SynthesisNetwork synthesis, Func<NoiseInput, bool> keep, Func<T> body)
    {
        var silenced = Of(synthesis).Where(input => !keep(input)).Select(input => (input.Strength, Saved: input.Strength.detach().clone())).ToList();
        try
        {
            using (no_grad()) foreach (var (strength, _) in silenced) strength.zero_();
            return body();
        }
        finally
        {
            using (no_grad()) foreach (var (strength, saved) in silenced) { strength.copy_(saved); saved.Dispose(); }
        }
    }
}
