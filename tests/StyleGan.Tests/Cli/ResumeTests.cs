using System.Diagnostics;
using StyleGan.Serialization;
using StyleGan.Training;

namespace StyleGan.Tests.Cli;

/// <summary>
/// An interrupted run, as a user has it: stylegan in its own process, stopped with Ctrl-C (SIGINT), prints the
/// command that continues it; that command, run by a shell exactly as printed, resumes the run in its own folder.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ResumeTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("resume-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static Process Start(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["STYLEGAN_DOTNET"] = CliHarness.Dotnet;
        start.Environment["STYLEGAN_DLL"] = CliHarness.Tool;
        return Process.Start(start)!;
    }

    [Fact]
    public async Task TheContinueLineOfAnInterruptedRunResumesItAsPrinted()
    {
        var data = CliHarness.TinyDataset(folder);
        var runs = Path.Combine(folder, "runs");
        string[] train = [CliHarness.Tool, "train", "--data", data, "--outdir", runs, "--kimg", "0.4", "--batch", "4", "--mbstd-group", "2", "--tick", "0.008",
            "--snap", "100", "--cbase", "64", "--cmax", "8", "--map", "2", "--zdim", "8", "--threads", "1"];
        string output;
        using (var first = Start(CliHarness.Dotnet, train))
        {
            var errors = first.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            for (string? line; (line = first.StandardOutput.ReadLine()) is not null;)
            {
                lines.Add(line);
                if (line.StartsWith("tick ", StringComparison.Ordinal) && lines.Count(l => l.StartsWith("tick ", StringComparison.Ordinal)) == 1)
                    CliHarness.Interrupt(first);
            }
            await first.WaitForExitAsync();
            output = string.Join('\n', lines);
            Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}: {output}\n{await errors}");
        }
        var run = Assert.Single(Directory.GetDirectories(runs));
        var printed = Assert.Single(output.Split('\n'), line => line.Contains("continue with: ")).Split("continue with: ")[1];
        var checkpoint = Assert.Single(Directory.GetFiles(run, "network-snapshot-*.safetensors"));
        Assert.Equal($"stylegan train --resume {checkpoint} --data {data}", printed);

        using (var again = Start("bash", ["-c", $"stylegan() {{ \"$STYLEGAN_DOTNET\" \"$STYLEGAN_DLL\" \"$@\"; }}; {printed}"]))
        {
            var errors = again.StandardError.ReadToEndAsync();
            var resumed = await again.StandardOutput.ReadToEndAsync();
            await again.WaitForExitAsync();
            Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}: {resumed}\n{await errors}");
            // Spectre.Console styles and wraps these lines, so only their starts are certain.
            Assert.Contains("Resuming", resumed);
            Assert.Contains("Done: ", resumed);
        }
        Assert.Equal(run, Assert.Single(Directory.GetDirectories(runs)));
        Assert.Equal(400, Images(checkpoint)); // the same name: snapshots are named by whole kimg

        // Another --outdir does not move the run: it continues beside its checkpoint, and the stale temporary of a
        // killed write there goes.
        var stale = Path.Combine(run, "fakes000000.png.tmp999999999");
        File.WriteAllText(stale, "half-written");
        var elsewhere = Path.Combine(folder, "elsewhere");
        var (code, error) = CliHarness.Run("train", "--outdir", elsewhere, "--resume", checkpoint, "--kimg", "0.408", "--threads", "1");
        Assert.True(code == 0, error);
        Assert.False(Directory.Exists(elsewhere));
        Assert.False(File.Exists(stale));
        Assert.Equal(408, Images(Assert.Single(Directory.GetFiles(run, "network-snapshot-*.safetensors"))));
    }

    static long Images(string checkpoint) => NetworkFile.Entry<TrainingCounters>(NetworkFile.ReadMetadata(checkpoint), "counters", checkpoint).CurNimg;
}
