using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>Pure operations on intermediate latents: ws are [N, num_ws, w_dim], one w per synthesis layer.</summary>
public static class WSpace
{
    /// <summary>Style mixing: <paramref name="target"/>'s ws with the listed layers taken from <paramref name="source"/>.</summary>
    /// <param name="target">[N, num_ws, w_dim]: the ws that keep every other layer.</param>
    /// <param name="source">[N or 1, num_ws, w_dim]: the ws the listed layers come from.</param>
    /// <param name="layers">ws indices to take from <paramref name="source"/>.</param>
    public static Tensor Mix(Tensor target, Tensor source, IReadOnlyCollection<int> layers)
    {
        if (target.ndim != 3 || source.ndim != 3 || source.shape[1] != target.shape[1] || source.shape[2] != target.shape[2])
            throw new ArgumentException($"Mixing needs ws of one shape [N, num_ws, w_dim]; got [{string.Join(", ", target.shape)}] and [{string.Join(", ", source.shape)}].");
        var mask = zeros(target.shape[1], dtype: ScalarType.Bool, device: target.device);
        foreach (int layer in layers) mask[layer] = true;
        return where(mask.reshape(1, -1, 1), source.expand_as(target), target);
    }

    /// <summary>Linear interpolation a + (b - a) * t, the path NVIDIA's tools take in W.</summary>
    /// <param name="a">Start, any shape.</param>
    /// <param name="b">End, same shape.</param>
    /// <param name="t">0 gives a, 1 gives b.</param>
    public static Tensor Lerp(Tensor a, Tensor b, double t) => t == 0 ? a.clone() : t == 1 ? b.clone() : a + (b - a) * t;

    /// <summary>
    /// Spherical interpolation of [N, D] rows: along the great circle between the directions, with the norms
    /// interpolated linearly. Z's Gaussian latents concentrate near a sphere, so this keeps the path where training
    /// samples lie (a straight line passes through the unlikely middle).
    /// </summary>
    /// <param name="a">Start [N, D].</param>
    /// <param name="b">End [N, D].</param>
    /// <param name="t">0 gives a, 1 gives b, exactly.</param>
    public static Tensor Slerp(Tensor a, Tensor b, double t)
    {
        if (t == 0) return a.clone();
        if (t == 1) return b.clone();
        var normA = a.norm(1, keepdim: true);
        var normB = b.norm(1, keepdim: true);
        var unitA = a / normA;
        var unitB = b / normB;
        var omega = (unitA * unitB).sum(1, keepdim: true).clamp(-1, 1).acos();
        var sinOmega = omega.sin();
        // Nearly parallel directions: the sines vanish, and the straight line is the same path.
        var direction = where(sinOmega.abs() < 1e-6, unitA + (unitB - unitA) * t,
            ((1 - t) * omega).sin() / sinOmega * unitA + (t * omega).sin() / sinOmega * unitB);
        return direction / direction.norm(1, keepdim: true) * (normA + (normB - normA) * t);
    }
}
