using System.Diagnostics;
using System.Security.Cryptography;
using StyleGan.Cli;
using StyleGan.Files;
using StyleGan.Serialization;
using StyleGan.Tests.Formats.Files;

namespace StyleGan.Tests.Cli;

/// <summary>
/// The overwrite rule through every command that writes: nothing a user has is replaced or deleted without --force,
/// never an input or what is not a regular file even with it, and output paths are checked before any work.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class OverwriteTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("overwrite-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string In(params string[] parts) => Path.Combine([folder, .. parts]);

    static byte[] Hash(string file) => SHA256.HashData(File.ReadAllBytes(file));

    // What the folder holds, recursively, with each file's hash: equal before and after means nothing was written or deleted.
    Dictionary<string, string> Snapshot() => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(path => path, path => PathIdentity.Kind(path) == PathKind.File ? Convert.ToHexString(Hash(path)) : PathIdentity.Kind(path).ToString());

    static void AssertRefused((int ExitCode, string Error) result, string flag, string named, string why)
    {
        Assert.Equal(CliErrors.UserError, result.ExitCode);
        Assert.StartsWith($"stylegan: error: {flag}: ", result.Error);
        Assert.Contains(named, result.Error);
        Assert.Contains(why, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    string Network()
    {
        var network = In("net.safetensors");
        Assert.Equal(0, CliHarness.Run("convert", Path.Combine(ReferenceData.Fixture("published"), "stylegan2-ada-tiny.pkl"), network).ExitCode);
        return network;
    }

    [Fact]
    public void ConvertNeverWritesItsInputHoweverItIsSpelled()
    {
        var network = Network();
        var link = In("link.safetensors");
        File.CreateSymbolicLink(link, network);
        Directory.CreateDirectory(In("sub"));
        var before = Snapshot();
        foreach (var output in new[] { network, In(".", "net.safetensors"), In("sub", "..", "net.safetensors"), link })
            AssertRefused(CliHarness.Run("convert", network, output, "--force"), "OUT", output == link ? link : network, "is the input");
        // Relative to the working folder: "net.safetensors" and "./net.safetensors".
        var working = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try { AssertRefused(CliHarness.Run("convert", "net.safetensors", "./net.safetensors", "--force"), "OUT", network, "is the input"); }
        finally { Environment.CurrentDirectory = working; }
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void ConvertNeverReplacesWhatIsNotARegularFileEvenWhenForced()
    {
        var network = Network();
        var fifo = Fifo.Create(In("fifo"));
        Directory.CreateDirectory(In("folder"));
        var before = Snapshot();
        AssertRefused(CliHarness.Run("convert", network, fifo, "--force"), "OUT", fifo, "not a regular file");
        AssertRefused(CliHarness.Run("convert", network, In("folder"), "--force"), "OUT", In("folder"), "is a folder");
        Assert.Equal(before, Snapshot());
        Assert.Equal(PathKind.Other, PathIdentity.Kind(fifo));
    }

    [Fact]
    public void ConvertKeepsAnExistingOutputUnlessForced()
    {
        var network = Network();
        var other = In("other.safetensors");
        File.WriteAllText(other, "precious");
        AssertRefused(CliHarness.Run("convert", network, other), "OUT", other, "(--force)");
        Assert.Equal("precious", File.ReadAllText(other));
        Assert.Equal(0, CliHarness.Run("convert", network, other, "--force").ExitCode);
        Assert.Equal(NetworkFile.NetworkFormat, NetworkFile.ReadMetadata(other)["format"]);
    }

    [Fact]
    public void DatasetNeverDeletesItsSource()
    {
        var source = Directory.CreateDirectory(In("p", "src")).FullName;
        File.Copy(Path.Combine(CliHarness.TinyDataset(folder), "0.png"), Path.Combine(source, "0.png"));
        var before = Snapshot();
        AssertRefused(CliHarness.Run("dataset", "--source", source, "--dest", In("p"), "--force"), "--dest", In("p"), "holds the input");
        AssertRefused(CliHarness.Run("dataset", "--source", source, "--dest", source, "--force"), "--dest", source, "is the input");
        AssertRefused(CliHarness.Run("dataset", "--source", source, "--dest", Path.Combine(source, "out"), "--force"), "--dest", source, "inside the source");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void TrainClassifierKeepsAnExistingOutAndChecksItBeforeReadingAnything()
    {
        var existing = In("classifier.safetensors");
        File.WriteAllText(existing, "precious");
        // The data does not exist: the output is refused first, before any of the minutes of training.
        AssertRefused(CliHarness.Run("train-classifier", "--out", existing, "--data", In("missing")), "--out", existing, "(--force)");
        Assert.Equal("precious", File.ReadAllText(existing));
    }

    [Fact]
    public void GenerateKeepsExistingImagesUnlessForced()
    {
        var network = Network();
        var outdir = Directory.CreateDirectory(In("out")).FullName;
        File.WriteAllText(Path.Combine(outdir, "seed0001.png"), "precious");
        var before = Snapshot();
        AssertRefused(CliHarness.Run("generate", "--network", network, "--seeds", "0-1", "--class", "0", "--outdir", outdir), "--outdir", "seed0001.png", "(--force)");
        Assert.Equal(before, Snapshot()); // not even seed0000.png
        AssertRefused(CliHarness.Run("generate", "--network", In("missing"), "--grid", "--outdir", network), "--outdir", network, "not a folder");

        Assert.Equal(0, CliHarness.Run("generate", "--network", network, "--seeds", "0-1", "--class", "0", "--outdir", outdir, "--force").ExitCode);
        Assert.NotEqual("precious", File.ReadAllText(Path.Combine(outdir, "seed0001.png")));
        Assert.True(File.Exists(Path.Combine(outdir, "seed0000.png")));
    }

    [Fact]
    public void MetricsChecksItsJsonBeforeScoring()
    {
        var network = Network();
        var taken = Directory.CreateDirectory(In("results.json")).FullName;
        var watch = Stopwatch.StartNew();
        AssertRefused(CliHarness.Run("metrics", "--network", network, "--json", taken), "--json", taken, "is a folder");
        AssertRefused(CliHarness.Run("metrics", "--network", network, "--json", network), "--json", network, "is the input");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"refusals took {watch.Elapsed}: the scoring ran first");
    }

    [Fact]
    public void TrainChecksItsOutdirFirstAndAFailedStartLeavesNoRunFolder()
    {
        var file = In("runs-file");
        File.WriteAllText(file, "precious");
        AssertRefused(CliHarness.Run("train", "--outdir", file, "--data", In("missing"), "--threads", "1"), "--outdir", file, "not a folder");

        var runs = Directory.CreateDirectory(In("runs")).FullName;
        var data = CliHarness.TinyDataset(folder);
        AssertRefused(CliHarness.Run("train", "--outdir", runs, "--data", data, "--cfg", "nope", "--threads", "1"), "--cfg", "nope", "unknown preset");
        AssertRefused(CliHarness.Run("train", "--outdir", runs, "--data", data, "--batch", "4", "--mbstd-group", "3", "--threads", "1"), "--mbstd-group", "3", "multiple");
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
    }
}
