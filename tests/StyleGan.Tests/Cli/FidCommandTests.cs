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
    public void MetricsScoreInInceptionSpaceWhenGivenItsWeights()
    {
        string json = Path.Combine(folder, "metrics.json");
        var (code, output, error) = Run("metrics", "--network", ReferenceData.Fixture("mixing/stylegan2-ada-uncond-tiny.pkl"), "--data", Fixture("fid/b"),
            "--inception", Weights, "--num", "20", "--kid", "--json", json, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("Inception-v3 (pytorch-fid)", output);
        var row = JsonDocument.Parse(File.ReadAllText(json)).RootElement[0];
        Assert.Equal("Inception-v3 (pytorch-fid)", row.GetProperty("features").GetString());
        Assert.True(row.GetProperty("fid").GetDouble() > 0);
        Assert.InRange(row.GetProperty("is_mean").GetDouble(), 1, 1008);
        Assert.True(double.IsFinite(row.GetProperty("kid").GetDouble()));
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
