using System.Text;
using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using static TorchSharp.torch;

namespace StyleGan.Tests.Serialization;

/// <summary>
/// NVIDIA's TensorFlow-era pickles (tests/fixtures/tf-pickles: tiny networks in exactly the layout NVIDIA's
/// Network.__getstate__ writes, see its README) render what genforce's generator (StyleGAN, Progressive GAN) and
/// NVIDIA's own legacy.py conversion with its PyTorch generator (StyleGAN2) computed from the same variables.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class TensorFlowPickleTests : IDisposable
{
    static readonly string Fixtures = ReferenceData.Fixture("tf-pickles");
    readonly string folder = Directory.CreateTempSubdirectory("tf-pickle-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string, string> Pickles => new()
    {
        { "stylegan-f-64", "NVIDIA StyleGAN (2019) TensorFlow pickle" },
        { "stylegan-c-fused-32", "NVIDIA StyleGAN (2019) TensorFlow pickle" },
        { "progan-32", "NVIDIA Progressive GAN TensorFlow pickle" },
        { "stylegan2-f-32", "NVIDIA StyleGAN2 TensorFlow pickle" },
    };

    [Theory]
    [MemberData(nameof(Pickles))]
    public void RendersWithinOneLevelOfTheReference(string name, string format)
    {
        using var expected = ReferenceData.Load(Fixtures, name + "-expected");
        using var networks = NetworkFile.Load(Path.Combine(Fixtures, name + ".pkl"));
        Assert.Equal(format, networks.Format);
        Assert.NotNull(networks.G);
        using var _ = no_grad();
        var z = expected["in.z"];
        // Gs is the sampler (G_ema); psi 0.7 uses the network's own cutoff, as NVIDIA's pretrained_example.py does.
        AssertWithinOneLevel(expected["out.img_psi1"], networks.Sampler.forward(z, null, noiseMode: NoiseMode.Const), $"{name}: Gs, psi 1");
        if (expected.Tensors.ContainsKey("out.img_psi0.7"))
            AssertWithinOneLevel(expected["out.img_psi0.7"], networks.Sampler.forward(z, null, 0.7, noiseMode: NoiseMode.Const), $"{name}: Gs, psi 0.7");
        Close.Assert(expected["out.d_logits"], networks.D!.forward(expected["out.img_psi1"], null), $"{name}: D logits");
    }

    // As NVIDIA's scripts write images: (x * 127.5 + 128) clamped and truncated to 0-255.
    static void AssertWithinOneLevel(Tensor expected, Tensor actual, string what)
    {
        Close.Assert(expected, actual, what);
        static Tensor Levels(Tensor x) => (x * 127.5 + 128).clamp(0, 255).to(uint8).to(int32);
        Assert.True((Levels(expected) - Levels(actual)).abs().max().item<int>() <= 1, $"{what}: an 8-bit pixel differs by more than one level.");
        Assert.True(expected.std().item<float>() > 0.05, $"{what}: the reference image is flat, so it proves nothing.");
    }

    [Fact]
    public void The2019CutoffComesFromTheNetwork()
    {
        using var networks = NetworkFile.Load(Path.Combine(Fixtures, "stylegan-f-64.pkl"));
        Assert.Equal(8, networks.Sampler.Config.MappingKwargs.TruncationCutoff);
        Assert.Equal(10, networks.Sampler.Synthesis.NumWs);
        using var stylegan2 = NetworkFile.Load(Path.Combine(Fixtures, "stylegan2-f-32.pkl"));
        Assert.Null(stylegan2.Sampler.Config.MappingKwargs.TruncationCutoff);
    }

    [Fact]
    public void GenerateAndConvertTakeATensorFlowPickle()
    {
        var pickle = Path.Combine(Fixtures, "stylegan-f-64.pkl");
        var images = Path.Combine(folder, "images");
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["generate", "--network", pickle, "--seeds", "1-2", "--trunc", "0.7", "--noise-mode", "const",
            "--outdir", images, "--threads", "1"]));
        Assert.True(File.Exists(Path.Combine(images, "seed0002.png")));

        var converted = Path.Combine(folder, "converted.safetensors");
        Assert.Equal(0, StyleGan.Cli.Entry.Program.Main(["convert", pickle, converted]));
        using var expected = ReferenceData.Load(Fixtures, "stylegan-f-64-expected");
        using var networks = NetworkFile.Load(converted);
        using var _ = no_grad();
        AssertWithinOneLevel(expected["out.img_psi0.7"], networks.Sampler.forward(expected["in.z"], null, 0.7, noiseMode: NoiseMode.Const), "converted, psi 0.7");
    }

    [Fact]
    public void AKwargWeDoNotBuildIsRefusedByName()
    {
        // Same-length renames keep the pickle valid: label_size=0 becomes use_styles=0, resolution an unknown kwarg.
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "stylegan-f-64.pkl"));
        var styles = Path.Combine(folder, "use-styles.pkl");
        File.WriteAllBytes(styles, Replace(bytes, "label_size", "use_styles"));
        var error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(styles));
        Assert.Contains("use_styles=0", error.Message, StringComparison.Ordinal);
        Assert.Contains(styles, error.Message, StringComparison.Ordinal);

        var unknown = Path.Combine(folder, "unknown.pkl");
        File.WriteAllBytes(unknown, Replace(bytes, "resolution", "resolutioX"));
        error = Assert.Throws<InvalidDataException>(() => NetworkFile.Load(unknown));
        Assert.Contains("'resolutioX'", error.Message, StringComparison.Ordinal);
    }

    static byte[] Replace(byte[] bytes, string from, string to)
    {
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }
}
