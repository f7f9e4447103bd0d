namespace StyleGan.Distributed;

/// <summary>Which ranks this process trains with: those of the mpirun that started it, else none but itself.</summary>
public static class ProcessGroup
{
    /// <summary>Set by Open MPI's mpirun in every process it starts.</summary>
    public const string WorldSizeVariable = "OMPI_COMM_WORLD_SIZE";

    /// <summary>Set by Open MPI's mpirun: how many of its processes run on this host.</summary>
    public const string LocalSizeVariable = "OMPI_COMM_WORLD_LOCAL_SIZE";

    /// <summary>Whether mpirun started this process among others.</summary>
    public static bool UnderMpirun => int.TryParse(Environment.GetEnvironmentVariable(WorldSizeVariable), out int size) && size > 1;

    /// <summary>The processes on this host that share its cores (1 outside mpirun).</summary>
    public static int LocalSize => int.TryParse(Environment.GetEnvironmentVariable(LocalSizeVariable), out int size) && size > 0 ? size : 1;

    /// <summary>MPI's ranks under mpirun with more than one process, else <see cref="SingleProcess"/>.</summary>
    public static ICollective Join() => UnderMpirun ? MpiCollective.Start() : SingleProcess.Instance;
}
