namespace StyleGan.Distributed;

/// <summary>A collective call failed (a rank died, the network broke): the run cannot go on on any rank.</summary>
/// <param name="message">Which rank and call failed, and MPI's words for why.</param>
public sealed class CollectiveException(string message) : Exception(message);
