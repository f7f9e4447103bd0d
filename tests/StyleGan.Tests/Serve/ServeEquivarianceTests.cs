using System.Text.Json;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using StyleGan.Ops;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using static TorchSharp.torch;

namespace StyleGan.Tests.Serve;

/// <summary>
/// The page's equivariance controls on a StyleGAN3 network (NVIDIA's tiny T pickle): a translated and rotated image is
/// the PNG its copied `stylegan generate --translate --rotate` writes; the untransform is the library's resampling by
/// the input's transform; networks without a Fourier input refuse the controls by name.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ServeEquivarianceTests : IDisposable
{
    const string StyleGan3 = "published/stylegan3-t-tiny.pkl";
    readonly string folder = Directory.CreateTempSubdirectory("serve-equivariance-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("seed=3&tx=0.1&ty=-0.2&rotate=10")]
    [InlineData("seed=1&psi=0.7&rotate=-30")]
    public async Task AMovedImageIsThePngOfTheCopiedGenerateCommand(string query)
    {
        await using var server = await ServerHarness.Start(StyleGan3);
        var (status, body) = await server.Get($"/api/command?{query}");
        Assert.Equal(200, status);
        string command = JsonDocument.Parse(body).RootElement.GetProperty("command").GetString()!;
        Assert.Contains("--rotate", command);
        var args = command.Split(' ').Skip(1).Select(arg => arg == "out" ? Path.Combine(folder, "out") : arg).ToList();
        var (code, error) = CliHarness.Run([.. args, "--threads", "1"]);
        Assert.True(code == 0, error);
        var (renderStatus, png) = await server.Get($"/api/render?{query}");
        Assert.Equal(200, renderStatus);
        Assert.Equal(File.ReadAllBytes(Directory.GetFiles(Path.Combine(folder, "out"), "*.png").Single()), png);
    }

    [Fact]
    public async Task UntransformResamplesTheImageByTheInputsTransformAndTheNextRenderStartsFromIdentity()
    {
        await using var server = await ServerHarness.Start(StyleGan3);
        var (status, state) = await server.Get("/api/state");
        Assert.Equal(200, status);
        Assert.True(JsonDocument.Parse(state).RootElement.GetProperty("network").GetProperty("hasInputTransform").GetBoolean());

        using var networks = NetworkFile.Load(server.Network, NetworkParts.Sampler);
        var sampler = new Sampler(networks.Sampler, batchSize: 1);
        InputTransform.Apply(networks.Sampler, 0.05, 0, 20);
        var image = sampler.GenerateSeeds([2u]);
        var transform = ((AliasFreeSynthesisNetwork)networks.Sampler.Synthesis).Input.Transform;
        var untransformed = EquivarianceTransforms.AffineTransformation(image, transform, a: 3, amax: 6).Image;
        Assert.Equal(ImageGrid.Png(untransformed), (await server.Get("/api/render?seed=2&tx=0.05&rotate=20&untransform=true")).Body);

        InputTransform.Apply(networks.Sampler, 0, 0, 0);
        Assert.Equal(ImageGrid.Png(sampler.GenerateSeeds([2u])), (await server.Get("/api/render?seed=2")).Body);
    }

    [Theory]
    [InlineData(StyleGan3, "rotate=NaN", "rotate")]
    [InlineData(StyleGan3, "tx=1e9", "tx")]
    [InlineData(StyleGan3, "untransform=maybe", "untransform")]
    [InlineData("mixing/stylegan2-ada-uncond-tiny.pkl", "seed=1&ty=0.1", "ty")]
    [InlineData("mixing/stylegan2-ada-uncond-tiny.pkl", "seed=1&untransform=true", "untransform")]
    public async Task BadOrInapplicableMovesGet400NamingTheParameter(string network, string query, string named)
    {
        await using var server = await ServerHarness.Start(network);
        var (status, body) = await server.Get($"/api/render?{query}");
        Assert.Equal(400, status);
        Assert.StartsWith(named + ":", ServerHarness.Error(body));
    }
}
