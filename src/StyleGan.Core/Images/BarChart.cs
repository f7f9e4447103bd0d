using SkiaSharp;
using StyleGan.Files;

namespace StyleGan.Images;

/// <summary>A bar per label (the mean of its values, each value a dot on it), with an optional reference value per label printed above its bar; a PNG.</summary>
public static class BarChart
{
    /// <param name="path">The PNG to write (atomically).</param>
    /// <param name="title">The line above the chart.</param>
    /// <param name="axis">What the values are (the vertical axis).</param>
    /// <param name="bars">Each bar's label, values (one per seed) and reference (null: none).</param>
    public static void Save(string path, string title, string axis, IReadOnlyList<(string Label, IReadOnlyList<double> Values, double? Reference)> bars)
    {
        // The right margin leaves room for the last label, which is drawn slanted to the right.
        const int barWidth = 56, gap = 28, left = 70, right = 90, top = 60, bottom = 90, height = 440;
        // Wide enough for the bars and for the title (13-pixel text is about 7 pixels a character).
        int width = Math.Max(left + right + bars.Count * (barWidth + gap), left + 7 * title.Length + right);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var axisPaint = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var bar = new SKPaint { Color = new SKColor(31, 119, 180), IsAntialias = true };
        using var dot = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true };
        using var small = new SKPaint { Color = new SKColor(90, 90, 90), TextSize = 11, IsAntialias = true };

        double max = bars.SelectMany(b => b.Values).DefaultIfEmpty(1).Max();
        double step = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(max, 1e-12))));
        double top0 = Math.Ceiling(max / step) * step;
        float Y(double value) => top + (float)((1 - value / top0) * (height - top - bottom));
        for (int i = 0; i <= (int)Math.Round(top0 / step); i++)
        {
            double value = i * step;
            canvas.DrawLine(left, Y(value), width - right, Y(value), grid);
            canvas.DrawText(value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), 8, Y(value) + 4, text);
        }
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, values, reference) = bars[i];
            float x = left + gap / 2 + i * (barWidth + gap);
            if (values.Count > 0)
            {
                double mean = values.Average();
                canvas.DrawRect(x, Y(mean), barWidth, Y(0) - Y(mean), bar);
                foreach (var value in values) canvas.DrawCircle(x + barWidth / 2, Y(value), 3, dot);
                canvas.DrawText(mean.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), x + 4, Y(mean) - 6, text);
            }
            if (reference is double r) canvas.DrawText("paper " + r.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), x, top - 8, small);
            canvas.Save();
            canvas.RotateDegrees(30, x, height - bottom + 14);
            canvas.DrawText(label, x, height - bottom + 14, text);
            canvas.Restore();
        }
        canvas.DrawLine(left, Y(0), width - right, Y(0), axisPaint);
        canvas.DrawLine(left, top, left, Y(0), axisPaint);
        canvas.DrawText(title, left, 20, text);
        canvas.DrawText(axis, 8, top - 28, text);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
