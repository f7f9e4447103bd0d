namespace StyleGan.Serve;

/// <summary>A synthesis layer the page can show.</summary>
/// <param name="Name">Its name in the state dict ("b8.conv0", "b8.torgb").</param>
/// <param name="Channels">Output channels.</param>
/// <param name="Resolution">Output height and width.</param>
public sealed record LayerInfo(string Name, int Channels, int Resolution);

/// <summary>What the page shows of an open network and checks requests against.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">What kind of file it was.</param>
/// <param name="Resolution">Image height and width.</param>
/// <param name="Channels">Image channels (1 or 3).</param>
/// <param name="NumWs">Number of ws.</param>
/// <param name="ZDim">Latent size.</param>
/// <param name="WDim">Intermediate latent size.</param>
/// <param name="CDim">Classes (0: unconditional).</param>
/// <param name="Parameters">Parameters of the generator.</param>
/// <param name="HasNoise">Whether any layer takes per-pixel noise.</param>
/// <param name="HasInputTransform">Whether the input can be translated and rotated (StyleGAN3's Fourier input).</param>
/// <param name="Directions">How many semantic directions the page offers (0 for a network without styles).</param>
/// <param name="Layers">The synthesis layers in order.</param>
/// <param name="Notes">What loading the file said.</param>
public sealed record NetworkInfo(string Path, string Format, int Resolution, int Channels, int NumWs, int ZDim, int WDim, int CDim,
    long Parameters, bool HasNoise, bool HasInputTransform, int Directions, IReadOnlyList<LayerInfo> Layers, IReadOnlyList<string> Notes);
