using System.Diagnostics;
using StyleGan.Tests.Cli;

namespace StyleGan.Tests.Distributed;

/// <summary>
/// Open MPI's mpirun, which the 2-rank tests start their processes with; they are skipped with the reason where it
/// is missing (.ci/run installs it with apt-get).
/// </summary>
public static class Mpirun
{
    /// <summary>The tests' own host of library calls under mpirun (tests/StyleGan.MpiHost), beside the tests.</summary>
    public static readonly string Host = Path.Combine(AppContext.BaseDirectory, "StyleGan.MpiHost.dll");

    static readonly string? Path_ = Environment.GetEnvironmentVariable("PATH")?.Split(':')
        .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>Skips the test unless mpirun is here.</summary>
    public static void Require() =>
        Skip.If(Path_ is null, "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev) to run the tests on several ranks.");

    /// <summary>Starts <paramref name="ranks"/> processes of `dotnet ARGS` (one thread each), stdout and stderr captured.</summary>
    public static Process Start(int ranks, params string[] args)
    {
        Require();
        // More ranks than cores where a machine has fewer.
        return Launch(Path_!, ["--oversubscribe", "-np", ranks.ToString(), CliHarness.Dotnet, .. args]);
    }

    // A child process, stdout and stderr captured; Open MPI's consent to run as root (CI containers) is in its environment.
    static Process Launch(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>Runs a command as a child process (mpirun's or dotnet's) to its end; its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Finish(Process process, int timeoutSeconds = 300)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(" ", process.StartInfo.ArgumentList)} ran past {timeoutSeconds} s.");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Runs on <paramref name="ranks"/> ranks to the end; fails the test unless it exits with 0.</summary>
    public static string Run(int ranks, params string[] args)
    {
        var (code, output) = Finish(Start(ranks, args));
        Assert.True(code == 0, $"mpirun -np {ranks} exited with {code}:\n{output}");
        return output;
    }

    /// <summary>Runs `dotnet ARGS` as one process alone (no mpirun), to the end; fails the test unless it exits with 0.</summary>
    public static string RunAlone(params string[] args)
    {
        var (code, output) = Finish(Launch(CliHarness.Dotnet, args));
        Assert.True(code == 0, $"dotnet {string.Join(" ", args)} exited with {code}:\n{output}");
        return output;
    }

    /// <summary>The process of rank <paramref name="rank"/> that <paramref name="mpirun"/> started, once it runs.</summary>
    public static int RankProcess(Process mpirun, int rank)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var folder in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), out int pid)) continue;
                try
                {
                    bool child = File.ReadLines(Path.Combine(folder, "status")).Any(line => line == $"PPid:\t{mpirun.Id}");
                    if (child && File.ReadAllText(Path.Combine(folder, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
                }
                catch (IOException) { } // it ended meanwhile
                catch (UnauthorizedAccessException) { }
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"rank {rank} of mpirun {mpirun.Id} did not start within 60 s.");
    }
}
