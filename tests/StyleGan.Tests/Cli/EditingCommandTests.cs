using StyleGan.Editing;
using SkiaSharp;

namespace StyleGan.Tests.Cli;

/// <summary>mix, truncation, noise, directions, interpolate, project and generate --projected-w, end to end on published-format pickles.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class EditingCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("editing-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Unconditional => ReferenceData.Fixture("mixing/stylegan2-ada-uncond-tiny.pkl");
    static string Conditional => ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl");

    string Out(string name) => Path.Combine(folder, name);

    static byte[] Pixels(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        return rgba.GetPixelSpan().ToArray();
    }

    [Fact]
    public void MixDrawsTheGridOfNvidiasStyleMixingWithinTwoLevels()
    {
        // tests/fixtures/mixing: grid.png as NVIDIA's unmodified style_mixing.py drew it from this pickle.
        var (code, error) = CliHarness.Run("mix", "--network", Unconditional, "--rows", "85,100,75", "--cols", "55,821,1789", "--styles", "0-3",
            "--trunc", "0.8", "--outdir", Out("mix"), "--threads", "1");
        Assert.True(code == 0, error);
        var ours = Pixels(Out("mix/grid.png"));
        var official = Pixels(ReferenceData.Fixture("mixing/official/grid.png"));
        Assert.Equal(official.Length, ours.Length);
        Assert.InRange(ours.Zip(official).Max(p => Math.Abs(p.First - p.Second)), 0, 2);
        Assert.True(File.Exists(Out("mix/100-821.png")) && File.Exists(Out("mix/55-55.png")));
    }

    [Theory]
    [InlineData("--styles", "0-8", "--styles")]    // past num_ws (8)
    [InlineData("--styles", "nose", "--styles")]   // no such range
    [InlineData("--styles", "fine", "--styles")]   // a 32x32 network has no fine layers
    [InlineData("--trunc", "NaN", "--trunc")]
    [InlineData("--class", "1", "--class")]        // unconditional
    public void MixRefusesBadArgumentsInOneLine(string flag, string value, string named)
    {
        var (code, error) = CliHarness.Run("mix", "--network", Unconditional, "--rows", "1", "--cols", "2", flag, value, "--outdir", Out("bad"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.StartsWith("stylegan: error:", error);
        Assert.Contains(named, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AnExistingOutputIsKeptWithoutForce()
    {
        Directory.CreateDirectory(Out("t"));
        File.WriteAllText(Out("t/truncation.png"), "mine");
        var (code, error) = CliHarness.Run("truncation", "--network", Unconditional, "--seeds", "1,2", "--outdir", Out("t"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("--force", error);
        Assert.Equal("mine", File.ReadAllText(Out("t/truncation.png")));
        Assert.Equal(0, CliHarness.Run("truncation", "--network", Unconditional, "--seeds", "1,2", "--psi", "0,1", "--outdir", Out("t"), "--force", "--threads", "1").ExitCode);
        using var grid = SKBitmap.Decode(Out("t/truncation.png"));
        Assert.Equal((64, 64), (grid.Width, grid.Height)); // 2 psis across, 2 seeds down, 32x32 each
    }

    [Theory]
    [InlineData("--psi", "0,NaN", "--psi")]
    [InlineData("--cutoff", "9", "--cutoff")]
    public void TruncationRefusesBadValuesNamingTheirFlag(string flag, string value, string named)
    {
        var (code, error) = CliHarness.Run("truncation", "--network", Unconditional, "--seeds", "1", flag, value, "--outdir", Out("tb"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains(named, error);
    }

    [Fact]
    public void ConditionalNetworksTakeAClassInEveryCommand()
    {
        var (code, error) = CliHarness.Run("noise", "--network", Conditional, "--seeds", "3", "--outdir", Out("n"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("--class", error);
        (code, error) = CliHarness.Run("noise", "--network", Conditional, "--seeds", "3", "--class", "2", "--draws", "10", "--samples", "4", "--outdir", Out("n"), "--threads", "1");
        Assert.True(code == 0, error);
        foreach (var part in new[] { "samples", "std", "crops", "layers" }) Assert.True(File.Exists(Out($"n/seed0003-{part}.png")), part);
    }

    [Fact]
    public void DirectionsAreWrittenAndGenerateAppliesOne()
    {
        var (code, error) = CliHarness.Run("directions", "--network", Unconditional, "--top", "4", "--seeds", "0", "--outdir", Out("d"), "--threads", "1");
        Assert.True(code == 0, error);
        var set = SemanticDirectionSet.Load(Out("d/directions.safetensors"));
        Assert.Equal(new long[] { 4, 32 }, set.Directions.shape);
        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--seeds", "7", "--outdir", Out("g0"), "--threads", "1").ExitCode);
        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--seeds", "7", "--direction", Out("d/directions.safetensors") + ":0",
            "--strength", "5", "--outdir", Out("g1"), "--threads", "1").ExitCode);
        Assert.NotEqual(Pixels(Out("g0/seed0007.png")), Pixels(Out("g1/seed0007.png")));
        Assert.Equal(1, CliHarness.Run("generate", "--network", Unconditional, "--direction", Out("d/directions.safetensors") + ":9", "--outdir", Out("g2"), "--threads", "1").ExitCode);
    }

    [Fact]
    public void GeneratesPositionAtAGridPointIsThatSeedAndItsMixingIsMixsCell()
    {
        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--seeds", "203", "--outdir", Out("s"), "--threads", "1").ExitCode);
        var (code, error) = CliHarness.Run("generate", "--network", Unconditional, "--position", "3,2", "--outdir", Out("p"), "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Equal(Pixels(Out("s/seed0203.png")), Pixels(Out("p/pos3_2.png")));

        // mix's cell 100-821 is row seed 100 with ws 0-3 from column seed 821.
        Assert.Equal(0, CliHarness.Run("mix", "--network", Unconditional, "--rows", "100", "--cols", "821", "--styles", "0-3", "--trunc", "0.8", "--outdir", Out("m"), "--threads", "1").ExitCode);
        (code, error) = CliHarness.Run("generate", "--network", Unconditional, "--seeds", "100", "--mix-seed", "821", "--mix-styles", "0-3", "--trunc", "0.8",
            "--outdir", Out("gm"), "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Equal(Pixels(Out("m/100-821.png")), Pixels(Out("gm/seed0100.png")));

        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--position", "3.5,0.25", "--noise-mode", "random", "--noise-seed", "4",
            "--noise-strength", "0.5", "--outdir", Out("p"), "--threads", "1").ExitCode);
        Assert.NotEqual(Pixels(Out("p/pos3_2.png")), Pixels(Out("p/pos3.5_0.25.png")));
    }

    [Theory]
    [InlineData("--position", "3", "--position")]
    [InlineData("--position", "1,NaN", "--position")]
    [InlineData("--position", "1e12,0", "--position")]
    [InlineData("--mix-seed", "3", "--mix-styles")]
    [InlineData("--mix-styles", "0-1", "--mix-seed")]
    [InlineData("--noise-strength", "-1", "--noise-strength")]
    [InlineData("--noise-strength", "Infinity", "--noise-strength")]
    [InlineData("--direction", "d.safetensors:0=big", "--direction")]
    public void GenerateRefusesBadEditsNamingTheirFlag(string flag, string value, string named)
    {
        var (code, error) = CliHarness.Run("generate", "--network", Unconditional, flag, value, "--outdir", Out("bad"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.StartsWith("stylegan: error:", error);
        Assert.Contains(named, error);
        Assert.False(Directory.Exists(Out("bad")) && Directory.EnumerateFiles(Out("bad")).Any());
    }

    [Fact]
    public void ProjectionWritesNvidiasFilesAndGenerateSynthesizesFromThem()
    {
        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--seeds", "5", "--outdir", Out("target"), "--threads", "1").ExitCode);
        var (code, error) = CliHarness.Run("project", "--network", Unconditional, "--target", Out("target/seed0005.png"), "--steps", "30",
            "--outdir", Out("p"), "--threads", "1", "--save-video", "--video-format", "webp");
        Assert.True(code == 0, error);
        foreach (var name in new[] { "target.png", "proj.png", "projected_w.npz", "projected_w.safetensors", "proj.webp" }) Assert.True(File.Exists(Out($"p/{name}")), name);
        (code, error) = CliHarness.Run("generate", "--network", Unconditional, "--projected-w", Out("p/projected_w.npz"), "--outdir", Out("fromw"), "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Equal(Pixels(Out("p/proj.png")), Pixels(Out("fromw/proj00.png")));

        (code, error) = CliHarness.Run("project", "--network", Unconditional, "--target", Out("p/projected_w.npz"), "--outdir", Out("p2"), "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("projected_w.npz", error);
    }

    [Fact]
    public void InterpolateWritesAnAnimationWhoseEndsAreTheSeedsImages()
    {
        var (code, error) = CliHarness.Run("interpolate", "--network", Unconditional, "--seeds", "1,2", "--frames-per-seed", "3", "--out", Out("walk.webp"),
            "--frames", Out("frames"), "--threads", "1");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Out("walk.webp")));
        Assert.Equal(4, Directory.GetFiles(Out("frames"), "*.png").Length);
        Assert.Equal(0, CliHarness.Run("generate", "--network", Unconditional, "--seeds", "1,2", "--outdir", Out("ends"), "--threads", "1").ExitCode);
        Assert.InRange(Pixels(Out("ends/seed0001.png")).Zip(Pixels(Out("frames/000000.png"))).Max(p => Math.Abs(p.First - p.Second)), 0, 1);
        Assert.InRange(Pixels(Out("ends/seed0002.png")).Zip(Pixels(Out("frames/000003.png"))).Max(p => Math.Abs(p.First - p.Second)), 0, 1);
        Assert.Equal(1, CliHarness.Run("interpolate", "--network", Unconditional, "--seeds", "1,2", "--out", Out("walk.avi"), "--threads", "1").ExitCode);
    }
}
