using System.Diagnostics;
using StyleGan.Configs;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using TorchSharp;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Tests.Memory;

/// <summary>
/// Peak memory of a published-size generator, measured in a process of its own (VmHWM only ever grows, and this
/// test process holds other tests' memory): `stylegan generate` of one image from an FFHQ-size network file. A
/// memory limit, not a timing.
/// </summary>
public sealed class PeakMemoryTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    /// <summary>
    /// One 1024x1024 image (FFHQ config F, batch 1, loaded from its file) in MB. NVIDIA's code needs 1074 MB to load
    /// such a pickle and make one image on this repository's machines (bench/official); ours took 1049 MB with the
    /// network built in memory, and 5854 MB before each op freed its intermediates. 1300 leaves room for the file's
    /// load, thread counts and the allocator while catching any return of the intermediates that live too long.
    /// </summary>
    const double BoundMb = 1300;

    readonly string folder = Directory.CreateTempSubdirectory("peak-memory-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    [Trait("Category", "Long")]
    public async Task A1024ImageFromItsFileStaysUnderItsBound()
    {
        string network = Path.Combine(folder, "ffhq-size.safetensors");
        torch.manual_seed(0);
        using (var g = new Generator(new GeneratorConfig
        {
            ZDim = 512, WDim = 512, ImgResolution = 1024, ImgChannels = 3, MappingKwargs = new MappingConfig { NumLayers = 8 },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = 32768, ChannelMax = 512, ConvClamp = 256 },
        }))
            NetworkFile.Write(network, NetworkFile.NetworkFormat, null, null, g, [], new Dictionary<string, string>());

        var start = new ProcessStartInfo(CliHarness.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { CliHarness.Tool, "generate", "--network", network, "--seeds", "0", "--trunc", "0.7", "--modconv", "fused",
            "--threads", "2", "--outdir", Path.Combine(folder, "out") }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // VmHWM only grows: the last reading before the process ends is its peak (the image is written after it).
        double peak = 0;
        while (!process.HasExited)
        {
            try { peak = Math.Max(peak, PeakRssMb(process.Id) ?? peak); }
            catch (IOException) { } // it ended between the two calls
            await Task.Delay(10);
        }
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"generate failed (exit {process.ExitCode}): {await stderr}{await output}");
        Assert.True(File.Exists(Path.Combine(folder, "out", "seed0000.png")), await output);
        log.WriteLine($"peak RSS of stylegan generate, one 1024x1024 image: {peak:F0} MB");
        Assert.True(peak > 100, $"no reading of the process's memory: {peak:F0} MB");
        Assert.True(peak < BoundMb, $"peak RSS {peak:F0} MB, over the bound of {BoundMb} MB");
    }

    // VmHWM of /proc/PID/status, in MB; null once the process has ended (a process not yet reaped has no memory to report).
    static double? PeakRssMb(int pid) =>
        File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 : null;
}
