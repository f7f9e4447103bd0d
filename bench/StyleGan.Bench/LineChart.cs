using SkiaSharp;
using StyleGan.Files;

namespace StyleGan.Bench;

/// <summary>One line of a chart: its name in the legend, its colour, its points.</summary>
public sealed record ChartSeries(string Name, SKColor Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// A line chart drawn with SkiaSharp, for the README's figures: lines over a shared x axis, a linear or log-scaled
/// y axis with grid lines, an optional horizontal reference line and labels along the top.
/// </summary>
public static class LineChart
{
    public static readonly SKColor Blue = new(31, 119, 180), Orange = new(255, 127, 14), Green = new(44, 160, 44), Grey = new(120, 120, 120);

    // The smallest of 1, 2, 2.5, 5 or 10 times a power of ten (a multiple of 5 such steps) at or above a value, for round tick labels.
    static double Nice(double value)
    {
        double step = Math.Pow(10, Math.Floor(Math.Log10(value / 5)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
            if (5 * m * step >= value) return 5 * m * step;
        return 50 * step;
    }

    /// <param name="path">The PNG.</param>
    /// <param name="title">Above the chart.</param>
    /// <param name="xLabel">Below the x axis.</param>
    /// <param name="yLabel">Above the y axis.</param>
    /// <param name="series">The lines.</param>
    /// <param name="logY">Log-scaled y axis (grid at 1, 2, 5 per decade), else linear from the data's range.</param>
    /// <param name="reference">A dashed horizontal line at this y and its label, or null.</param>
    /// <param name="topLabels">Labels along the top at x values (wall time, say), or null.</param>
    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool logY = false,
        (double Y, string Label)? reference = null, IReadOnlyList<(double X, string Label)>? topLabels = null)
    {
        const int width = 720, height = 420, left = 70, right = 20, top = 60, bottom = 50;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true };

        var all = series.SelectMany(s => s.Points).ToList();
        double maxX = Nice(all.Max(p => p.X));
        var ys = all.Select(p => p.Y).Concat(reference is { } r ? [r.Y] : []).ToList();
        Func<double, double> scale = logY ? Math.Log10 : y => y;
        double low, high;
        if (logY) (low, high) = (Math.Floor(Math.Log10(ys.Min())), Math.Ceiling(Math.Log10(ys.Max())));
        else (low, high) = (Math.Min(0, ys.Min()), Nice(ys.Max()));
        if (high <= low) high = low + 1;
        float X(double x) => left + (float)(x / maxX * (width - left - right));
        float Y(double y) => top + (float)((high - scale(y)) / (high - low) * (height - top - bottom));

        IEnumerable<double> Ticks() => logY
            ? Enumerable.Range((int)low, (int)(high - low) + 1).SelectMany(d => new[] { 1, 2, 5 }.Select(m => m * Math.Pow(10, d))).Where(y => Math.Log10(y) <= high + 1e-9)
            : Enumerable.Range(0, 6).Select(i => low + (high - low) * i / 5);
        foreach (double y in Ticks())
        {
            canvas.DrawLine(left, Y(y), width - right, Y(y), grid);
            canvas.DrawText(logY ? $"{y:#,0.##}" : $"{y:G3}", 8, Y(y) + 4, text);
        }
        for (int i = 0; i <= 5; i++)
        {
            double x = maxX * i / 5;
            canvas.DrawLine(X(x), height - bottom, X(x), height - bottom + 5, axis);
            canvas.DrawText($"{x:G4}", X(x) - 10, height - bottom + 20, text);
        }
        foreach (var (x, label) in topLabels ?? []) canvas.DrawText(label, X(x) - 18, top - 8, text);
        canvas.DrawLine(left, height - bottom, width - right, height - bottom, axis);
        canvas.DrawLine(left, top, left, height - bottom, axis);
        if (reference is { } line)
        {
            using var dashed = new SKPaint { Color = Grey, StrokeWidth = 1, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([6, 4], 0) };
            canvas.DrawLine(left, Y(line.Y), width - right, Y(line.Y), dashed);
            canvas.DrawText(line.Label, width - right - 120, Y(line.Y) - 4, text);
        }
        float legendX = left + 10;
        foreach (var s in series)
        {
            using var paint = new SKPaint { Color = s.Color, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var drawn = new SKPath();
            drawn.MoveTo(X(s.Points[0].X), Y(s.Points[0].Y));
            foreach (var p in s.Points.Skip(1)) drawn.LineTo(X(p.X), Y(p.Y));
            canvas.DrawPath(drawn, paint);
            if (series.Count > 1)
            {
                canvas.DrawLine(legendX, top + 12, legendX + 20, top + 12, paint);
                canvas.DrawText(s.Name, legendX + 25, top + 16, text);
                legendX += 35 + text.MeasureText(s.Name);
            }
        }
        canvas.DrawText(title, left, 20, text);
        canvas.DrawText(xLabel, width / 2 - 3.5f * xLabel.Length, height - 12, text);
        canvas.DrawText(yLabel, 8, top - 28, text);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
