using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>The truncation trick: pull w towards the mean w_avg by psi, in the first <see cref="Cutoff"/> ws or all.</summary>
/// <param name="Psi">1: none; 0: every image is the w_avg image; below 0 the opposite of each image (NVIDIA's figures use -1 to 2).</param>
/// <param name="Cutoff">Truncate only the first this-many ws (the coarse layers), or all when null.</param>
public sealed record Truncation(double Psi = 1, int? Cutoff = null)
{
    /// <summary>No truncation.</summary>
    public static readonly Truncation None = new();

    /// <summary>The largest |psi| accepted: beyond it images are saturated noise (NVIDIA's figures use -1 to 2).</summary>
    public const double MaxPsi = 100;

    /// <summary>Refuses a psi that is not a number within the accepted range, or a cutoff outside [0, num_ws].</summary>
    /// <param name="numWs">The network's number of ws.</param>
    public void Check(int numWs) => Check(Psi, Cutoff, numWs);

    /// <summary>Refuses a truncation psi that is not a number within ±<see cref="MaxPsi"/>, or a cutoff outside [0, num_ws].</summary>
    /// <param name="psi">The truncation psi.</param>
    /// <param name="cutoff">The number of ws truncated, or null for all.</param>
    /// <param name="numWs">The network's number of ws, or null where not known yet.</param>
    /// <param name="psiSetting">The setting the psi came from, named by a refusal.</param>
    /// <param name="cutoffSetting">The setting the cutoff came from, named by a refusal.</param>
    public static void Check(double psi, int? cutoff, int? numWs, string psiSetting = "TruncationPsi", string cutoffSetting = "TruncationCutoff")
    {
        if (!double.IsFinite(psi) || Math.Abs(psi) > MaxPsi)
            throw new InvalidValueException(psiSetting, $"the truncation psi {psi} is not a number in [-{MaxPsi}, {MaxPsi}] (1: no truncation, 0.7: NVIDIA's usual).");
        if (cutoff is int layers && (layers < 0 || numWs is int count && layers > count))
            throw new InvalidValueException(cutoffSetting, $"the truncation cutoff {layers} is outside [0, {numWs}], the network's number of ws.");
    }

    /// <summary>w_avg + (ws - w_avg) * psi on the first <paramref name="cutoff"/> ws (all when null), as NVIDIA's mapping network does.</summary>
    /// <param name="ws">[N, num_ws, w_dim], or [N, w_dim] for a single w.</param>
    /// <param name="wAvg">The tracked mean of w [w_dim].</param>
    /// <param name="psi">1: unchanged.</param>
    /// <param name="cutoff">How many leading ws to truncate (null: all).</param>
    public static Tensor Apply(Tensor ws, Tensor wAvg, double psi, int? cutoff = null)
    {
        if (psi == 1) return ws;
        if (cutoff is not int count || ws.ndim != 3 || count >= ws.shape[1]) return wAvg.to(ws.dtype) + (ws - wAvg.to(ws.dtype)) * psi;
        var head = wAvg.to(ws.dtype) + (ws.narrow(1, 0, count) - wAvg.to(ws.dtype)) * psi;
        return cat([head, ws.narrow(1, count, ws.shape[1] - count)], 1);
    }
}
