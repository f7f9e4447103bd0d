using StyleGan.Cli;
using StyleGan.Configs;
using StyleGan.Editing;
using StyleGan.Formats;
using StyleGan.Generation;
using StyleGan.Networks;
using StyleGan.Images;
using StyleGan.Random;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using static TorchSharp.torch;

namespace StyleGan.Tests.Serialization;

/// <summary>
/// Published network files (tests/fixtures/published, made by NVIDIA's and rosinality's own code with small random
/// networks, see its README) load into our networks and compute what the original code computed.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class PublishedNetworkTests : IDisposable
{
    static readonly string Fixtures = ReferenceData.Fixture("published");
    readonly string folder = Directory.CreateTempSubdirectory("published-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // A PNG's RGB values [H, W, 3], as the scripts compare them.
    static Tensor Pixels(string png)
    {
        using var bitmap = ImageFile.Decode(File.ReadAllBytes(png), SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul, Path.GetFileName(png));
        return tensor(bitmap.Bytes).reshape(bitmap.Height, bitmap.Width, 4).narrow(2, 0, 3).to(int32);
    }

    static string Fixture(string name) => Path.Combine(Fixtures, name);

    [Fact]
    public void NvidiaPickleComputesWhatNvidiasCodeComputed()
    {
        using var expected = ReferenceData.Load(Fixtures, "stylegan2-ada-tiny.expected");
        using var networks = NetworkFile.Load(Fixture("stylegan2-ada-tiny.pkl"));
        AssertNvidiaOutputs(networks, expected);
        Assert.Contains(networks.Notes, n => n.StartsWith("augment_pipe", StringComparison.Ordinal));
        Assert.Contains(networks.Notes, n => n.StartsWith("training_set_kwargs", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvertedNvidiaPickleComputesTheSame()
    {
        using var expected = ReferenceData.Load(Fixtures, "stylegan2-ada-tiny.expected");
        var converted = Path.Combine(folder, "tiny.safetensors");
        using (var original = NetworkFile.Load(Fixture("stylegan2-ada-tiny.pkl"))) NetworkFile.Save(converted, original);
        using var networks = NetworkFile.Load(converted);
        Assert.Equal("exported network", networks.Format);
        AssertNvidiaOutputs(networks, expected);
    }

    static void AssertNvidiaOutputs(NetworkSet networks, SafetensorsFile expected)
    {
        using var _ = no_grad();
        var (z, c) = (expected["in.z"], expected["in.c"]);
        Close.Assert(expected["G_ema.img"], networks.GEma!.forward(z, c, noiseMode: NoiseMode.Const), "G_ema image");
        Close.Assert(expected["G_ema.img_psi0.7_cutoff2"], networks.GEma.forward(z, c, 0.7, 2, NoiseMode.Const), "G_ema image, psi 0.7, cutoff 2");
        Close.Assert(expected["G.img"], networks.G!.forward(z, c, noiseMode: NoiseMode.Const), "G image");
        Close.Assert(expected["D.logits"], networks.D!.forward(expected["in.img"], c), "D logits");
    }

    [Fact]
    public void SeedMeansWhatItMeansInNvidiasGenerateScript()
    {
        using var expected = ReferenceData.Load(Fixtures, "stylegan2-ada-tiny.expected");
        var z = expected["seed42.z"];
        Assert.True((SeedLatents.LatentsForSeeds([42], (int)z.shape[1]) == z).all().item<bool>(), "RandomState(42).randn differs from NumPy's.");

        var output = Path.Combine(folder, "seed42");
        int classIndex = (int)expected["seed42.c"].argmax().item<long>();
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["generate", "--network", Fixture("stylegan2-ada-tiny.pkl"), "--seeds", "42", "--class", $"{classIndex}",
            "--trunc", "0.7", "--noise-mode", "const", "--outdir", output, "--threads", "1"]));
        var pixels = Pixels(Path.Combine(output, "seed0042.png"));
        var reference = expected["seed42.uint8"].to(int32);
        // Equal but for values that sit within float32 rounding of a quantization step.
        Assert.True((pixels - reference).abs().max().item<int>() <= 1, "seed 42 differs from generate.py's image by more than one level.");
        Assert.True((pixels != reference).sum().item<long>() <= reference.numel() / 1000, "seed 42 differs from generate.py's image in too many pixels.");
    }

    [Theory]
    [InlineData("psi1", 1, 0, 0, 0)]
    [InlineData("psi0.7", 0.7, 0, 0, 0)]
    [InlineData("psi0.7_translate0.1,-0.2_rotate10", 0.7, 0.1, -0.2, 10)]
    public void StyleGan3PickleDrawsWhatGenImagesDraws(string key, double psi, double x, double y, double degrees)
    {
        // stylegan3-t-tiny.expected.safetensors: gen_images.py's pixels (make_sg3_expected.py).
        using var expected = ReferenceData.Load(Fixtures, "stylegan3-t-tiny.expected");
        using var networks = NetworkFile.Load(Fixture("stylegan3-t-tiny.pkl"), NetworkParts.Sampler);
        Assert.IsType<AliasFreeSynthesisNetwork>(networks.Sampler.Synthesis);
        InputTransform.Apply(networks.Sampler, x, y, degrees);
        var sampler = new Sampler(networks.Sampler);
        foreach (var seed in new uint[] { 0, 1 })
        {
            using var _ = no_grad();
            var pixels = PixelRange.ToUint8(sampler.GenerateSeeds([seed], truncation: new Truncation(psi)))[0].permute(1, 2, 0).to(int32);
            var reference = expected[$"seed{seed}.{key}"].to(int32);
            Assert.True((pixels - reference).abs().max().item<int>() <= 1, $"seed {seed} {key} differs from gen_images.py's image by more than one level.");
        }
    }

    [Fact]
    public void StochasticVariationOfAStyleGan3NetworkIsRefusedForItHasNoNoise()
    {
        using var networks = NetworkFile.Load(Fixture("stylegan3-t-tiny.pkl"), NetworkParts.Sampler);
        var error = Assert.Throws<InvalidValueException>(() => StochasticVariation.Run(new Sampler(networks.Sampler), 0));
        Assert.Equal("Network", error.Name);
        Assert.Contains("no per-pixel noise", error.Message);
    }

    [Fact]
    public void GenerateTranslatesAndRotatesAStyleGan3PickleAsGenImagesDoes()
    {
        using var expected = ReferenceData.Load(Fixtures, "stylegan3-t-tiny.expected");
        var output = Path.Combine(folder, "sg3");
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["generate", "--network", Fixture("stylegan3-t-tiny.pkl"), "--seeds", "0-1", "--trunc", "0.7",
            "--translate", "0.1,-0.2", "--rotate", "10", "--outdir", output, "--threads", "1"]));
        foreach (var seed in new[] { 0, 1 })
        {
            var pixels = Pixels(Path.Combine(output, $"seed000{seed}.png"));
            var reference = expected[$"seed{seed}.psi0.7_translate0.1,-0.2_rotate10"].to(int32);
            Assert.True((pixels - reference).abs().max().item<int>() <= 1, $"seed {seed} differs from gen_images.py's image by more than one level.");
        }
        var (code, error) = CliHarness.Run("generate", "--network", Fixture("stylegan2-ada-tiny.pkl"), "--seeds", "0", "--class", "0", "--translate", "0.1,0",
            "--outdir", Path.Combine(folder, "sg2"));
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("stylegan: error: --translate: translating and rotating the image move StyleGAN3's Fourier input", error);
    }

    [Theory]
    [InlineData("rosinality-tiny.pt")]
    [InlineData("rosinality-tiny-legacy.pt")]
    public void RosinalityCheckpointComputesWhatRosinalitysCodeComputed(string name)
    {
        using var expected = ReferenceData.Load(Fixtures, "rosinality-tiny.expected");
        using var networks = NetworkFile.Load(Fixture(name));
        using var _ = no_grad();
        var z = expected["in.z"];
        Close.Assert(expected["g_ema.img"], networks.GEma!.forward(z, null, noiseMode: NoiseMode.Const), "g_ema image");
        Close.Assert(expected["g.img"], networks.G!.forward(z, null, noiseMode: NoiseMode.Const), "g image");
        Close.Assert(expected["d.logits"], networks.D!.forward(expected["in.img"], null), "d logits");
        Assert.Contains(networks.Notes, n => n.Contains("w_avg", StringComparison.Ordinal));

        // rosinality truncates towards a mean latent passed in by the caller; ours is w_avg.
        networks.GEma.Mapping.WAvg.copy_(expected["in.truncation_latent"].reshape(-1));
        Close.Assert(expected["g_ema.img_trunc0.7"], networks.GEma.forward(z, null, 0.7, noiseMode: NoiseMode.Const), "g_ema image, truncation 0.7");
    }

    [Fact]
    public void EstimatedWAvgOfRosinalityIsCloseToItsMeanLatent()
    {
        using var expected = ReferenceData.Load(Fixtures, "rosinality-tiny.expected");
        using var networks = NetworkFile.Load(Fixture("rosinality-tiny.pt"));
        var meanLatent = expected["g_ema.mean_latent"].reshape(-1);
        // Two sample means (4096 and 10000 draws) of the same distribution: close, not equal.
        double gap = (networks.GEma!.Mapping.WAvg - meanLatent).abs().max().item<float>();
        double spread = meanLatent.abs().max().item<float>();
        Assert.True(gap < 0.1 * Math.Max(spread, 1), $"w_avg is {gap:F3} from rosinality's mean_latent.");
    }

    [Fact]
    public void ConvertCommandWritesANetworkEveryCommandReads()
    {
        var output = Path.Combine(folder, "rosinality.safetensors");
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["convert", Fixture("rosinality-tiny.pt"), output]));
        using (var networks = NetworkFile.Load(output)) Assert.NotNull(networks.GEma);
        var before = File.ReadAllBytes(output);
        Assert.Equal(1, StyleGan.Cli.Entry.Program.Main(["convert", Fixture("stylegan2-ada-tiny.pkl"), output]));
        Assert.Equal(before, File.ReadAllBytes(output));
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["convert", Fixture("stylegan2-ada-tiny.pkl"), output, "--force"]));
    }

    [Fact]
    public void OtherFilesAreRefusedNamingThem()
    {
        var text = Path.Combine(folder, "notes.pkl");
        File.WriteAllText(text, "not a network at all");
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(text));
        Assert.Contains(text, error.Message);

        var truncated = Path.Combine(folder, "truncated.pkl");
        var bytes = File.ReadAllBytes(Fixture("stylegan2-ada-tiny.pkl"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(truncated));
        Assert.Contains(truncated, error.Message);
    }
}
