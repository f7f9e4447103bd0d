using System.CommandLine;
using StyleGan.Distributed;

namespace StyleGan.Cli;

/// <summary>
/// A command that mpirun may start as several ranks: it joins them first, and a rank that ends on an error stops
/// every rank (MPI_Abort, which Open MPI reports with the rank) rather than leave them waiting for it. Finishing
/// well, every rank finalizes MPI.
/// </summary>
public static class RankedRun
{
    /// <param name="parse">The command line.</param>
    /// <param name="body">The work, given the ranks; it returns the exit code (see <see cref="CliErrors"/>).</param>
    public static int Run(ParseResult parse, Func<ICollective, int> body)
    {
        ICollective? ranks = null;
        int code = CliErrors.Run(parse, () =>
        {
            ranks = Join();
            return body(ranks);
        });
        if (ranks is MpiCollective mpi)
        {
            if (code != 0)
            {
                Console.Error.WriteLine($"stylegan: rank {mpi.Rank} of {mpi.Size} stopped with exit code {code}; stopping every rank.");
                mpi.Abort(code);
            }
            mpi.Dispose();
        }
        return code;
    }

    static ICollective Join()
    {
        try
        {
            return ProcessGroup.Join();
        }
        catch (DllNotFoundException e)
        {
            throw new UsageException($"mpirun started this process ({ProcessGroup.WorldSizeVariable} is set) but MPI cannot be used: {e.Message}");
        }
    }
}
