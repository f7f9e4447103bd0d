using SkiaSharp;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Tests.Images;

public sealed class ImageGridTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("stylegan-grid-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Five 2x3 RGB images, image i filled with -1 + 0.4 i in red, 0 in green, 1 in blue.
    static Tensor Images()
    {
        var red = (arange(5, dtype: float32) * 0.4f - 1f).reshape(5, 1, 1, 1).expand(5, 1, 2, 3);
        return cat([red, zeros(5, 1, 2, 3), ones(5, 1, 2, 3)], dim: 1);
    }

    [Fact]
    public void GridIsNearSquareWithPixelsMappedFromMinusOneToOne()
    {
        var path = Path.Combine(folder, "grid.png");
        ImageGrid.Save(path, Images());
        using var grid = SKBitmap.Decode(path);
        Assert.Equal((9, 4), (grid.Width, grid.Height)); // 3 columns of 3 pixels, 2 rows of 2
        Assert.Equal(new SKColor(0, 128, 255), grid.GetPixel(0, 0));   // image 0: red -1
        Assert.Equal(new SKColor(51, 128, 255), grid.GetPixel(4, 1));  // image 1: red -0.6 -> 51
        Assert.Equal(new SKColor(153, 128, 255), grid.GetPixel(2, 3)); // image 3: red 0.2 -> 153
        Assert.Equal(new SKColor(0, 0, 0), grid.GetPixel(8, 3));       // the sixth cell is empty
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }

    [Fact]
    public void GridTakesAColumnCount()
    {
        var path = Path.Combine(folder, "row.png");
        ImageGrid.Save(path, Images(), columns: 5);
        using var grid = SKBitmap.Decode(path);
        Assert.Equal((15, 2), (grid.Width, grid.Height));
        Assert.Equal(204, grid.GetPixel(14, 1).Red); // image 4: red 0.6
    }

    [Fact]
    public void ValuesOutsideTheRangeAreClamped()
    {
        var path = Path.Combine(folder, "clamped.png");
        ImageGrid.Save(path, cat([full(1, 1, 4, 4, 3f), full(1, 1, 4, 4, -3f)]), columns: 2);
        using var image = SKBitmap.Decode(path);
        Assert.Equal((8, 4, SKColorType.Gray8), (image.Width, image.Height, image.ColorType));
        Assert.Equal(new SKColor(255, 255, 255), image.GetPixel(2, 2));
        Assert.Equal(new SKColor(0, 0, 0), image.GetPixel(6, 2));
    }
}
