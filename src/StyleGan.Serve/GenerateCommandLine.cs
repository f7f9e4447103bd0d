using System.Globalization;
using StyleGan.Configs;
using StyleGan.Networks;

namespace StyleGan.Serve;

/// <summary>The <c>stylegan generate</c> command that writes the page's current output image, bit for bit.</summary>
public static class GenerateCommandLine
{
    /// <summary>The command (preceded by the <c>stylegan directions</c> command its direction moves need), for a POSIX shell.</summary>
    /// <param name="state">The page's state.</param>
    /// <param name="network">The open network.</param>
    /// <param name="projectedWsFile">Where the user saved the projection's ws, when the state explores one.</param>
    public static string For(ViewState state, NetworkInfo network, string? projectedWsFile = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var args = new List<string> { "stylegan", "generate", "--network", ShellWord.Quote(network.Path) };
        if (state.Projection is not null) args.AddRange(["--projected-w", ShellWord.Quote(projectedWsFile ?? "projected_w.npz")]);
        else if (state.X == Math.Floor(state.X) && state.Y == Math.Floor(state.Y)) args.AddRange(["--seeds", state.Seed.ToString(inv)]);
        else args.AddRange(["--position", string.Create(inv, $"{state.X:R},{state.Y:R}")]);
        if (state.Class is int c) args.AddRange(["--class", c.ToString(inv)]);
        if (state.Truncation.Psi != 1) args.AddRange(["--trunc", state.Truncation.Psi.ToString("R", inv)]);
        if (state.Truncation.Psi != 1 && state.Truncation.Cutoff is int cutoff) args.AddRange(["--trunc-cutoff", cutoff.ToString(inv)]);
        if (state.Edits.MixSeed is uint mix && state.Edits.MixLayers.Count > 0)
            args.AddRange(["--mix-seed", mix.ToString(inv), "--mix-styles", string.Join(",", state.Edits.MixLayers)]);
        if (state.Noise.Mode != NoiseMode.Const) args.AddRange(["--noise-mode", state.Noise.Mode.ToString().ToLowerInvariant()]);
        if (state.Noise.Mode == NoiseMode.Random && state.Noise.Seed != 0) args.AddRange(["--noise-seed", state.Noise.Seed.ToString(inv)]);
        if (state.Noise.Mode != NoiseMode.None && state.Noise.Strength != 1) args.AddRange(["--noise-strength", state.Noise.Strength.ToString("R", inv)]);
        var moves = state.Edits.Moves.Where(move => move.Strength != 0).ToList();
        foreach (var move in moves) args.AddRange(["--direction", string.Create(inv, $"directions/directions.safetensors:{move.Index}={move.Strength:R}")]);
        if (state.Move.X != 0 || state.Move.Y != 0) args.AddRange(["--translate", string.Create(inv, $"{state.Move.X:R},{state.Move.Y:R}")]);
        if (state.Move.Degrees != 0) args.AddRange(["--rotate", state.Move.Degrees.ToString("R", inv)]);
        args.AddRange(["--outdir", "out"]);
        // The untransform is the page's resampling of the shown image, not the network's; generate writes the network's.
        string generate = string.Join(" ", args) + (state.Move.Untransform ? "  # the network's image, before the page's untransform" : "");
        if (moves.Count == 0) return generate;
        var directions = new List<string> { "stylegan", "directions", "--network", ShellWord.Quote(network.Path), "--top", network.Directions.ToString(inv) };
        if (state.Class is int k) directions.AddRange(["--class", k.ToString(inv)]);
        directions.AddRange(["--outdir", "directions"]);
        return $"{string.Join(" ", directions)} && {generate}";
    }
}
