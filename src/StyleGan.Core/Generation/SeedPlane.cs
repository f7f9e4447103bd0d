using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>
/// StyleGAN3's visualizer's latent plane: seeds on a grid, seed = x + <see cref="RowStep"/> * y (mod 2^32), and
/// between grid points the ws of the four neighbouring seeds blended bilinearly. Integer points are exactly their seed's ws.
/// </summary>
public static class SeedPlane
{
    /// <summary>How far the seeds of neighbouring rows are apart (the visualizer's step_y).</summary>
    public const int RowStep = 100;

    /// <summary>The largest |x| or |y| accepted: beyond every seed (a typed seed is its own x, up to 2^32 - 1), still exact in a double.</summary>
    public const double MaxCoordinate = 1e10;

    /// <summary>The point of a seed: (seed, 0), as the visualizer puts a typed seed.</summary>
    /// <param name="seed">The seed.</param>
    public static (double X, double Y) PointOf(uint seed) => (seed, 0);

    /// <summary>The seed shown for a point: that of the nearest grid point.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    public static uint SeedAt(double x, double y) => Wrap(Math.Round(x, MidpointRounding.ToEven) + Math.Round(y, MidpointRounding.ToEven) * RowStep);

    /// <summary>The grid seeds around a point with their bilinear weights (which sum to 1); zero weights left out.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    public static IReadOnlyList<(uint Seed, double Weight)> Neighbours(double x, double y)
    {
        Check(x, y);
        var result = new List<(uint, double)>();
        double x0 = Math.Floor(x), y0 = Math.Floor(y);
        foreach (var (dx, dy) in new[] { (0, 0), (1, 0), (0, 1), (1, 1) })
        {
            double weight = (1 - Math.Abs(x - (x0 + dx))) * (1 - Math.Abs(y - (y0 + dy)));
            if (weight > 0) result.Add((Wrap(x0 + dx + (y0 + dy) * RowStep), weight));
        }
        return result;
    }

    /// <summary>The ws [1, num_ws, w_dim] at a point: each neighbouring seed mapped with the class and truncation, blended.</summary>
    /// <param name="sampler">The generator.</param>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation of every seed's ws.</param>
    public static Tensor Ws(Sampler sampler, double x, double y, int? classIndex, Truncation truncation)
    {
        var neighbours = Neighbours(x, y);
        // Each seed mapped alone: a batch of four rounds the mapping's products otherwise than four batches of one,
        // and a point's ws (so its image, bit for bit) must not depend on the sampler's batch size.
        var rows = neighbours.Select(n => sampler.MapSeeds([n.Seed], classIndex, truncation)).ToList();
        if (rows.Count == 1) return rows[0];
        var ws = cat(rows, 0);
        foreach (var row in rows) row.Dispose();
        using var weights = tensor(neighbours.Select(n => (float)n.Weight).ToArray()).reshape(-1, 1, 1);
        using var _ = ws;
        return (ws * weights).sum(0, keepdim: true);
    }

    /// <summary>Refuses coordinates that are not finite numbers within ±<see cref="MaxCoordinate"/>.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    public static void Check(double x, double y)
    {
        foreach (var (name, value) in new[] { ("X", x), ("Y", y) })
            if (!double.IsFinite(value) || Math.Abs(value) > MaxCoordinate)
                throw new InvalidValueException($"Position{name}", $"the latent {name.ToLowerInvariant()} {value} is not a number within ±{MaxCoordinate:0e0}.");
    }

    static uint Wrap(double seed) => unchecked((uint)(long)seed);
}
