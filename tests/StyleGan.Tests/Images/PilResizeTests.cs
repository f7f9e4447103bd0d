using StyleGan.Formats;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Tests.Images;

/// <summary>Our Pillow resize against Pillow's own output (tests/fixtures/pil/make_fixtures.py): every pixel equal.</summary>
public sealed class PilResizeTests : IDisposable
{
    readonly SafetensorsFile expected = Safetensors.Load(Path.Combine(ReferenceData.Fixture("pil"), "expected.safetensors"));

    public void Dispose() => expected.Dispose();

    [Theory]
    [InlineData("up_rgb")]   // 32x32 to 336x336
    [InlineData("up_gray")]  // 20x24, cropped to 20x20, to 45x45
    [InlineData("down_rgb")] // 300x256, cropped to 256x256, to 112x112 (antialiased)
    [InlineData("noise_up")] // noise, where rounding between the passes shows most
    [InlineData("same")]     // no change
    public void TheCentreCropAndResizeEqualPillowsPixelForPixel(string name)
    {
        using var scope = NewDisposeScope();
        var reference = expected[$"{name}.resized"];
        var ours = PilResize.CenterCropSquare(expected[$"{name}.image"].unsqueeze(0), (int)reference.shape[2]).squeeze(0);
        Assert.Equal(reference.shape, ours.shape);
        long differing = (ours.to(int32) - reference.to(int32)).abs().gt(0).sum().item<long>();
        Assert.True(differing == 0, $"{name}: {differing} of {reference.numel()} values differ from Pillow's");
    }

    [Fact]
    public void OnlyUint8ImagesAreTaken() =>
        Assert.Throws<ArgumentException>(() => PilResize.Bicubic(zeros(1, 3, 8, 8), 4, 4));
}
