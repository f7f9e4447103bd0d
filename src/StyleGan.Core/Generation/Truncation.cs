using StyleGan.Networks;

namespace StyleGan.Generation;

/// <summary>The truncation trick: pull w towards the mean w_avg by psi, in the first <see cref="Cutoff"/> ws or all.</summary>
/// <param name="Psi">1: none; 0: every image is the w_avg image; below 0 the opposite of each image (NVIDIA's figures use -1 to 2).</param>
/// <param name="Cutoff">Truncate only the first this-many ws (the coarse layers), or all when null.</param>
public sealed record Truncation(double Psi = 1, int? Cutoff = null)
{
    /// <summary>No truncation.</summary>
    public static readonly Truncation None = new();

    /// <summary>Refuses a psi that is not a number within the accepted range, or a cutoff outside [0, num_ws].</summary>
    /// <param name="numWs">The network's number of ws.</param>
    public void Check(int numWs) => MappingNetwork.CheckTruncation(Psi, Cutoff, numWs);
}
