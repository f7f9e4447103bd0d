using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Networks;

namespace StyleGan.Serve;

/// <summary>Everything an image on the page depends on; one request's worth, validated against the network.</summary>
/// <param name="X">Column of the seed plane (<see cref="SeedPlane"/>).</param>
/// <param name="Y">Row of the seed plane.</param>
/// <param name="Class">The class of a conditional network.</param>
/// <param name="Truncation">psi and cutoff.</param>
/// <param name="Edits">Style mixing and direction moves.</param>
/// <param name="Noise">Noise mode, seed and strength.</param>
/// <param name="Layer">The synthesis layer to show ("b8.conv0"), or null for the output image.</param>
/// <param name="Channel">The one channel of <paramref name="Layer"/> to show, or null for RGB.</param>
/// <param name="Normalize">Scale the shown channels by their largest magnitude.</param>
/// <param name="Projection">A finished projection whose ws replace the seed plane's, or null.</param>
public sealed record ViewState(double X, double Y, int? Class, Truncation Truncation, WsEdits Edits, NoiseSettings Noise,
    string? Layer, int? Channel, bool Normalize, string? Projection)
{
    /// <summary>The seed shown for the state's point.</summary>
    public uint Seed => SeedPlane.SeedAt(X, Y);
}
