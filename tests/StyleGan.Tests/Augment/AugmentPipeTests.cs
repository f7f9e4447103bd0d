using System.Text.Json.Nodes;
using StyleGan.Augment;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Tests.Augment;

/// <summary>Our AugmentPipe against NVIDIA's training/augment.py, replaying its draws (tests/fixtures/augment).</summary>
public sealed class AugmentPipeTests : IDisposable
{
    readonly SafetensorsFile fixture = Safetensors.Load(Path.Combine(ReferenceData.Fixture("augment"), "augment.safetensors"));

    public void Dispose() => fixture.Dispose();

    sealed record Case(string Name, string Mode, JsonObject Kwargs, double P, string Draws)
    {
        public string Key => $"{Name}.{Mode}";
    }

    IEnumerable<Case> Cases() => JsonNode.Parse(fixture.Metadata["cases"])!.AsArray().Select(c => new Case(
        c!["name"]!.GetValue<string>(), c["mode"]!.GetValue<string>(), c["kwargs"]!.AsObject(), c["p"]!.GetValue<double>(), c["draws"]!.GetValue<string>()));

    ReplayedRandom Draws(Case c) => new(c.Draws.Select((kind, i) => (kind, fixture[$"{c.Key}.draw{i:D3}"])).ToList(), c.Key);

    // The pipeline of a case: NVIDIA's constructor arguments read as our config, under the same names.
    static AugmentPipe Pipe(Case c) => new(NetworkJson.Parse<AugmentConfig>(c.Kwargs.ToJsonString(), c.Key), c.P);

    // The float32 bound against NVIDIA's pipeline (Float32Rounding): at most 8 sums in sequence (the geometric
    // stage's 2 passes up, the bilinear sample and 2 passes down, the colour matrix, the filter bank's 2 passes), the
    // longest the filter bank's taps. With its draws fixed the pipeline is affine in the images, so their gradient
    // passes the same sums, transposed. What differs most is the geometric stage (measured: 4.2e-6 of an output, 2.6e-6
    // of a gradient, the same under both kernel sets), whose sampling positions are float32 too.
    static readonly double Float32Bound = Float32Rounding.Bound(Wavelets.FilterBankTaps, 8);

    [Fact]
    public void EveryTransformAndPresetEqualsNvidiasWithItsDraws()
    {
        var cases = Cases().ToList();
        Assert.Equal(38, cases.Count); // 15 transforms alone and 4 mixtures, RGB and grayscale
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            var draws = Draws(c);
            var output = Pipe(c).forward(fixture[$"input.{c.Mode}"], draws);
            Assert.True(draws.AllUsed, $"{c.Key}: fewer draws than NVIDIA's pipeline made.");
            Close.Assert(fixture[$"{c.Key}.output"], output, c.Key, Float32Bound);
        }
    }

    [Fact]
    public void GradientsThroughThePipelineEqualNvidias()
    {
        foreach (var c in Cases())
        {
            using var scope = NewDisposeScope();
            var input = fixture[$"input.{c.Mode}"].clone().requires_grad_(true);
            var output = Pipe(c).forward(input, Draws(c));
            var grad = autograd.grad([(output * fixture[$"weights.{c.Mode}"]).sum()], [input])[0];
            Close.Assert(fixture[$"{c.Key}.grad"], grad, $"{c.Key} gradient", Float32Bound);
        }
    }

    [Fact]
    public void SecondOrderGradientsFlowAsR1NeedsThem()
    {
        // With its draws fixed the pipeline is affine, A(x) = L x + b, so for f(x) = sum(w * A(x)) the gradient is
        // L^T w whatever x, and d/dw |L^T w|^2 = 2 L L^T w: what autograd must find through the gradient's graph.
        var c = Cases().Single(c => c.Name == "bgcfnc-p0.5" && c.Mode == "rgb");
        var input = fixture["input.rgb"].clone().requires_grad_(true);
        var w = fixture["weights.rgb"].clone().requires_grad_(true);
        var pipe = Pipe(c);
        var g = autograd.grad([(pipe.forward(input, Draws(c)) * w).sum()], [input], create_graph: true, retain_graph: true)[0];
        var secondOrder = autograd.grad([g.square().sum()], [w])[0];
        Tensor Linear(Tensor x) => pipe.forward(x, Draws(c)) - pipe.forward(zeros_like(x), Draws(c));
        // An identity, computed two ways in float32 (measured: 2.8e-7).
        Close.Assert(2 * Linear(g.detach()), secondOrder, "d/dw |grad|^2", tolerance: 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AtPZeroEveryPipelineIsTheIdentity(int channels)
    {
        var images = rand(new long[] { 4, channels, 32, 32 }, generator: new TorchSharp.torch.Generator(3)) * 2 - 1;
        foreach (var name in AugmentPresets.Names)
        {
            var output = new AugmentPipe(AugmentPresets.Get(name), p: 0).forward(images, new GeneratorRandom(new TorchSharp.torch.Generator(5)));
            // The identity up to rounding: at p = 0 the geometric stage still resamples, with sym6 up and down and
            // sampling positions computed in float32 (measured: 3.8e-6).
            Close.Assert(images, output, $"{name} at p = 0", tolerance: 1e-5);
        }
    }

    [Fact]
    public void AtPOneThePipelineChangesTheImages()
    {
        var images = rand(new long[] { 4, 3, 32, 32 }, generator: new TorchSharp.torch.Generator(3)) * 2 - 1;
        foreach (var name in AugmentPresets.Names)
        {
            var output = new AugmentPipe(AugmentPresets.Get(name), p: 1).forward(images, new GeneratorRandom(new TorchSharp.torch.Generator(5)));
            Assert.True((output - images).abs().max().item<float>() > 0.05, $"{name} at p = 1 left the images as they were.");
        }
    }

    [Fact]
    public void BilinearSampleEqualsLibtorchsGridSample()
    {
        var gen = new TorchSharp.torch.Generator(11);
        var images = randn(new long[] { 2, 3, 9, 13 }, generator: gen).requires_grad_(true);
        var grid = (rand(new long[] { 2, 7, 5, 2 }, generator: gen) * 2.6 - 1.3); // some points outside the image
        var expected = nn.functional.grid_sample(images, grid, align_corners: false);
        var actual = BilinearSample.Sample(images, grid);
        // The same 4-term weighted sums in another order: a few roundings (measured: 2.1e-7 and 1.5e-7).
        Close.Assert(expected, actual, "samples", tolerance: 1e-6);
        var w = randn(expected.shape, generator: gen);
        Close.Assert(autograd.grad([(expected * w).sum()], [images])[0], autograd.grad([(actual * w).sum()], [images])[0], "gradient", tolerance: 1e-6);
    }

    [Fact]
    public void ImagesTooSmallForTheFilterBankAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new AugmentPipe(AugmentPresets.Get("bgcf"), 0.5).forward(zeros(2, 3, 16, 16), new GeneratorRandom(new TorchSharp.torch.Generator(1))));
        Assert.Contains("22 pixels", e.Message);
    }
}
