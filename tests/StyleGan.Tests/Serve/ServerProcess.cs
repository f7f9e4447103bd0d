using System.Diagnostics;
using System.Text;
using StyleGan.Tests.Cli;

namespace StyleGan.Tests.Serve;

/// <summary><c>stylegan serve</c> in a process of its own, as a user starts it, up to the line that says its address.</summary>
public sealed class ServerProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder said = new();
    readonly Task<string> errors;

    ServerProcess(Process process, string url)
    {
        this.process = process;
        errors = process.StandardError.ReadToEndAsync();
        Url = url;
    }

    /// <summary>The address it printed.</summary>
    public string Url { get; }

    /// <summary>What it printed before its address.</summary>
    public string Started => said.ToString();

    /// <summary>Its resident memory now (VmRSS) and at its highest so far (VmHWM), in MiB.</summary>
    public (long Now, long Peak) ResidentMegabytes()
    {
        var status = File.ReadAllLines($"/proc/{process.Id}/status");
        long Read(string key) => long.Parse(status.Single(line => line.StartsWith(key + ":")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) >> 10;
        return (Read("VmRSS"), Read("VmHWM"));
    }

    /// <param name="program">The program: dotnet (with the tool's dll first in args) or an installed stylegan.</param>
    /// <param name="args">Its arguments, <c>serve</c> and its options.</param>
    /// <param name="folder">Where it runs.</param>
    public static async Task<ServerProcess> Start(string program, IEnumerable<string> args, string? folder = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (folder is not null) start.WorkingDirectory = folder;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(startup.Token) is string line)
            {
                output.AppendLine(line);
                if (line.StartsWith("Open http"))
                {
                    var server = new ServerProcess(process, line.Split(' ')[1]);
                    server.said.Append(output);
                    return server;
                }
            }
        }
        catch (OperationCanceledException) { }
        // stderr ends only when the process does.
        process.Kill(entireProcessTree: true);
        string error = await process.StandardError.ReadToEndAsync();
        process.Dispose();
        throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} printed no address within 120 s:\n{output}{error}");
    }

    /// <summary>Sends SIGINT, as Ctrl-C does, and returns its exit code and all it wrote, once it has ended (within 30 s).</summary>
    public async Task<(int ExitCode, string Said)> Interrupt()
    {
        CliHarness.Interrupt(process);
        string rest = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "the server did not stop within 30 s of SIGINT");
        return (process.ExitCode, said + rest + await errors);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
