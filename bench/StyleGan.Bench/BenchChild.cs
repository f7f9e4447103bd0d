using System.Diagnostics;

namespace StyleGan.Bench;

/// <summary>
/// This bench's own executable as a child process, alone or as the ranks of Open MPI's mpirun: each workload in a
/// fresh process (its memory and start-up its own), its results the lines it prints after a marker.
/// </summary>
public static class BenchChild
{
    /// <summary>Runs the bench with <paramref name="args"/> and returns what follows <paramref name="marker"/> on each line that has it.</summary>
    /// <param name="marker">What starts a result line.</param>
    /// <param name="args">The child's command line.</param>
    /// <param name="ranks">More than 1: that many processes under mpirun (rank 0 prints the results).</param>
    public static List<string> Results(string marker, string[] args, int ranks = 1)
    {
        var self = Environment.ProcessPath!;
        string[] command = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, typeof(BenchChild).Assembly.Location, .. args] : [self, .. args];
        if (ranks > 1) command = ["mpirun", "-np", ranks.ToString(), .. command];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        if (ranks > 1)
        {
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // A line may start with the terminal set-up codes .NET writes under mpirun (ESC [?1h ESC =).
        var results = output.Split('\n').Where(line => line.Contains(marker, StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]).ToList();
        if (process.ExitCode != 0 || results.Count == 0)
            throw new InvalidOperationException($"bench child{(ranks > 1 ? $" on {ranks} ranks" : "")} {string.Join(' ', args)} failed (exit {process.ExitCode}): {stderr.Result}");
        return results;
    }
}
