using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>A move along one semantic direction.</summary>
/// <param name="Index">The direction (0: the strongest).</param>
/// <param name="Strength">How far, in w units.</param>
public sealed record DirectionMove(int Index, double Strength);

/// <summary>
/// What the explorer page and <c>stylegan generate</c> do to ws after mapping, in this order: style mixing (the
/// listed layers from a second seed, mapped with the same class and truncation), then moves along semantic directions.
/// </summary>
/// <param name="MixSeed">The seed the mixed layers come from (null: no mixing).</param>
/// <param name="MixLayers">The ws indices taken from <paramref name="MixSeed"/>.</param>
/// <param name="Moves">Moves along directions of a <see cref="SemanticDirectionSet"/>.</param>
public sealed record WsEdits(uint? MixSeed, IReadOnlyList<int> MixLayers, IReadOnlyList<DirectionMove> Moves)
{
    /// <summary>No edits.</summary>
    public static readonly WsEdits None = new(null, [], []);

    /// <summary>Whether the edits change anything.</summary>
    public bool IsNone => (MixSeed is null || MixLayers.Count == 0) && Moves.All(move => move.Strength == 0);

    /// <summary>The edited ws (the same tensor when there is nothing to do).</summary>
    /// <param name="ws">[N, num_ws, w_dim].</param>
    /// <param name="sampler">The generator, for the mixing seed's ws.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation of the mixing seed's ws.</param>
    /// <param name="directions">The directions the moves index (required when a move is not zero).</param>
    public Tensor Apply(Tensor ws, Sampler sampler, int? classIndex, Truncation truncation, SemanticDirectionSet? directions)
    {
        var result = ws;
        if (MixSeed is uint seed && MixLayers.Count > 0)
        {
            using var source = sampler.MapSeeds([seed], classIndex, truncation);
            result = WSpace.Mix(result, source, MixLayers);
        }
        foreach (var move in Moves.Where(move => move.Strength != 0))
        {
            if (directions is null) throw new InvalidValueException("Direction", "a direction move needs a directions file (`stylegan directions` writes one).");
            result = directions.Apply(result, move.Index, move.Strength);
        }
        return result;
    }
}
