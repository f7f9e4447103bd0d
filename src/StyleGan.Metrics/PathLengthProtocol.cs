namespace StyleGan.Metrics;

/// <summary>The latent space a path-length metric interpolates in.</summary>
public enum LatentSpace { Z, W }

/// <summary>How perceptual path length samples its steps (NVIDIA's <c>compute_ppl</c> arguments).</summary>
/// <param name="Space">Interpolate in Z (spherically) or in W (linearly).</param>
/// <param name="Full">true: the step starts at a uniform t in [0, 1] ("full"); false: at t = 0 ("end").</param>
/// <param name="Crop">Measure the centre crop NVIDIA's FFHQ protocol takes (rows 3/8 to 7/8, columns 2/8 to 6/8).</param>
/// <param name="Epsilon">The step length; the distance is divided by its square.</param>
public sealed record PathLengthProtocol(LatentSpace Space, bool Full, bool Crop, double Epsilon = 1e-4);
