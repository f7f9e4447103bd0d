using System.Diagnostics;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

/// <summary>Ctrl-C (SIGINT) during a command that writes a file or folder whole leaves neither it nor its temporary behind.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class InterruptionTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("interruption-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("out.zip")]
    [InlineData("out")]
    public async Task SigintDuringDatasetLeavesNoTemporary(string destination)
    {
        var source = Path.Combine(folder, "source");
        var random = new TorchSharp.torch.Generator(1);
        for (int i = 0; i < 400; i++)
            ImageFile.SavePng(Path.Combine(source, $"{i}.png"), randint(0, 256, new long[] { 1, 8, 8 }, dtype: ScalarType.Byte, generator: random));
        var dest = Path.Combine(folder, destination);
        var start = new ProcessStartInfo(CliHarness.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { CliHarness.Tool, "dataset", "--source", source, "--dest", dest, "--resolution", "512" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        // Once the temporary is being written, the work is under way.
        var watch = Stopwatch.StartNew();
        while (!Directory.EnumerateFileSystemEntries(folder, "*.tmp*").Any() && !process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        Assert.False(process.HasExited, "the dataset was written before it could be interrupted");
        CliHarness.Interrupt(process);
        await process.WaitForExitAsync();
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("stylegan: SIGINT: stopped; nothing half-written was left.", (await errors).Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder, "*.tmp*"));
        Assert.False(Path.Exists(dest));
    }
}
