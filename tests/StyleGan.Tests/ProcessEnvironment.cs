namespace StyleGan.Tests;

/// <summary>
/// Tests that change the process's environment (PATH, to hide or replace a program) run in this collection, alone,
/// so that no test running beside them starts another program than it would find.
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Collection = "process environment";
}
