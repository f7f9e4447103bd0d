namespace StyleGan.Tests;

/// <summary>
/// Tests that compare results bit for bit run in this collection, alone: libtorch's thread count and its global
/// random generator (which seeds new weights) are process-wide, and tests running beside them change both.
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ExactResults
{
    public const string Collection = "exact results";
}
