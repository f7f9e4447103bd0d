using System.Globalization;
using System.Text.Json;
using StyleGan.Runtime;

namespace StyleGan.Tests.Cli;

/// <summary>`stylegan fid A B` against pytorch-fid's command-line path on the narrow random Inception (tests/fixtures/inception).</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class FidCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("fid-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Fixture(string name) => ReferenceData.Fixture(Path.Combine("inception", name));
    static string Weights => Fixture("inception-narrow.pth");

    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var (code, error) = CliHarness.Run(args);
            return (code, output.ToString(), error);
        }
        finally { Console.SetOut(original); }
    }

    static double LastFid(string output)
    {
        string last = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("FID: ", last);
        return double.Parse(last["FID: ".Length..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void FidOfTwoFoldersEqualsPytorchFids()
    {
        double expected = JsonDocument.Parse(File.ReadAllText(Fixture("fid/expected.json"))).RootElement.GetProperty("fid").GetDouble();
        var (code, output, error) = Run("fid", Fixture("fid/a"), Fixture("fid/b"), "--inception", Weights, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Equal(expected, LastFid(output), expected * 1e-4);
    }

    [Fact]
    public void SavedStatisticsGiveTheSameFidAsTheFolder()
    {
        string stats = Path.Combine(folder, "a.npz");
        var (code, _, error) = Run("fid", Fixture("fid/a"), stats, "--save-stats", "--inception", Weights, "--threads", "1");
        Assert.True(code == 0, error);
        double fromFolders = LastFid(Run("fid", Fixture("fid/a"), Fixture("fid/b"), "--inception", Weights, "--threads", "1").Output);
        double fromStats = LastFid(Run("fid", stats, Fixture("fid/b"), "--inception", Weights, "--threads", "1").Output);
        Assert.Equal(fromFolders, fromStats, fromFolders * 1e-9);
        Assert.Equal(0, LastFid(Run("fid", stats, stats, "--inception", Weights, "--threads", "1").Output), 1e-6);
        Assert.Equal(1, Run("fid", Fixture("fid/a"), stats, "--save-stats", "--inception", Weights, "--threads", "1").Code); // exists, no --force
    }

    [Fact]
    public void MetricsScoreInInceptionSpaceWhenGivenItsWeightsAndAppendNvidiasLines()
    {
        string json = Path.Combine(folder, "metrics.jsonl");
        File.WriteAllText(json, "{\"earlier\": true}\n");
        var (code, output, error) = Run("metrics", "--network", ReferenceData.Fixture("mixing/stylegan2-ada-uncond-tiny.pkl"), "--data", Fixture("fid/b"),
            "--metrics", "fid10k,kid50k_full,is50k", "--inception", Weights, "--num", "20", "--json", json, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("fid10k: FID, 20 generated images against the first 10,000 real images, Inception-v3 pool3", output);
        var lines = File.ReadAllLines(json);
        Assert.Equal(4, lines.Length);
        Assert.Equal("{\"earlier\": true}", lines[0]);
        var rows = lines.Skip(1).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["fid10k", "kid50k_full", "is50k"], rows.Select(row => row.GetProperty("metric").GetString()));
        Assert.All(rows, row => Assert.StartsWith("Inception-v3 (pytorch-fid), weights sha256 ", row.GetProperty("features").GetString()));
        Assert.All(rows, row => Assert.Equal("stylegan2-ada-uncond-tiny.pkl", row.GetProperty("snapshot_pkl").GetString()));
        Assert.True(rows[0].GetProperty("results").GetProperty("fid10k").GetDouble() > 0);
        Assert.Equal(150, rows[0].GetProperty("num_real").GetInt32());
        Assert.True(double.IsFinite(rows[1].GetProperty("results").GetProperty("kid50k_full").GetDouble()));
        Assert.InRange(rows[2].GetProperty("results").GetProperty("is50k_mean").GetDouble(), 1, 1008);
        Assert.Equal(20, rows[2].GetProperty("num_gen").GetInt32());
    }

    [Fact]
    public void RefusalsNameTheFileAndTheFix()
    {
        var one = Directory.CreateDirectory(Path.Combine(folder, "one")).FullName;
        File.Copy(Directory.GetFiles(Fixture("fid/a"))[0], Path.Combine(one, "x.png"));
        var (code, _, error) = Run("fid", one, Fixture("fid/b"), "--inception", Weights, "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("at least 2", error);

        (code, _, error) = Run("fid", Fixture("fid/a"), Fixture("fid/b"), "--dims", "768", "--inception", Weights);
        Assert.Equal(1, code);
        Assert.Contains("--dims", error);

        // No --inception and nothing in the cache folder: the address and the folder are named.
        (code, _, error) = Run("fid", Fixture("fid/a"), Fixture("fid/b"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("pt_inception-2015-12-05-6726825d.pth", error);
        Assert.Contains("github.com/mseitzer/pytorch-fid", error);
        Assert.Contains(CacheFolder.Path, error);
    }
}
