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
/// <param name="Move">StyleGAN3's translation and rotation of the input (the visualizer's equivariance controls).</param>
public sealed record ViewState(double X, double Y, int? Class, Truncation Truncation, WsEdits Edits, NoiseSettings Noise,
    string? Layer, int? Channel, bool Normalize, string? Projection, InputMove Move)
{
    /// <summary>The seed shown for the state's point.</summary>
    public uint Seed => SeedPlane.SeedAt(X, Y);
}

/// <summary>The visualizer's equivariance controls: StyleGAN3's input moved, and optionally the image moved back.</summary>
/// <param name="X">Translation along x, in image widths.</param>
/// <param name="Y">Translation along y, in image heights.</param>
/// <param name="Degrees">Rotation in degrees.</param>
/// <param name="Untransform">Resample the shown image by the input's transform, so that an equivariant network's image stands still.</param>
public sealed record InputMove(double X = 0, double Y = 0, double Degrees = 0, bool Untransform = false)
{
    /// <summary>No move: the identity transform, nothing undone.</summary>
    public static readonly InputMove None = new();
}
