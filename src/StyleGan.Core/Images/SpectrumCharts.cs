using System.Globalization;
using SkiaSharp;
using StyleGan.Files;

namespace StyleGan.Images;

/// <summary>
/// avg_spectra.py's two pictures as PNGs: the heat map of a spectrum (dB, filled contours every 5 dB from -40 to 20 in
/// matplotlib's Blues) and the 0 and 45 degree slices of several spectra, one line each.
/// </summary>
public static class SpectrumCharts
{
    static readonly SKColor[] Blues =
    [
        new(247, 251, 255), new(222, 235, 247), new(198, 219, 239), new(158, 202, 225), new(107, 174, 214),
        new(66, 146, 198), new(33, 113, 181), new(8, 81, 156), new(8, 48, 107),
    ];

    static readonly SKColor[] Lines = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75)];

    const double Lowest = -40, Highest = 20, Step = 5;

    /// <param name="path">The PNG to write (atomically).</param>
    /// <param name="title">The line above the map (the source).</param>
    /// <param name="map">The heat map [S + 1, S + 1] in dB, DC in the centre (PowerSpectrum.Heatmap).</param>
    /// <param name="imageSize">The images' size: the axes run from -size/2 to size/2 cycles per image.</param>
    public static void SaveHeatmap(string path, string title, double[,] map, int imageSize)
    {
        int n = map.GetLength(0), cell = Math.Max(1, 512 / n), side = n * cell;
        const int left = 50, top = 40, legend = 90, bottom = 40;
        using var surface = SKSurface.Create(new SKImageInfo(left + side + legend, top + side + bottom));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var fill = new SKPaint();
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
            {
                fill.Color = Band(map[row, col]);
                // Rows grow upwards, as matplotlib's contourf draws them.
                canvas.DrawRect(left + col * cell, top + side - (row + 1) * cell, cell, cell, fill);
            }
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        canvas.DrawRect(left, top, side, side, axis);
        for (int i = 0; i <= 4; i++)
        {
            double frequency = -imageSize / 2.0 + i * imageSize / 4.0;
            float offset = i * side / 4f;
            canvas.DrawText(Format(frequency), left + offset - 8, top + side + 16, text);
            canvas.DrawText(Format(frequency), 4, top + side - offset + 4, text);
        }
        int bands = (int)((Highest - Lowest) / Step);
        float bandHeight = side / (bands + 2f);
        for (int i = 0; i <= bands + 1; i++)
        {
            double value = Lowest + (i - 0.5) * Step;
            fill.Color = Band(value);
            float y = top + side - (i + 1) * bandHeight;
            canvas.DrawRect(left + side + 20, y, 20, bandHeight, fill);
            if (i <= bands) canvas.DrawText(Format(Lowest + i * Step), left + side + 46, y + bandHeight + 4, text);
        }
        canvas.DrawText($"{title}: average power spectrum (dB)", left, 24, text);
        Save(surface, path);
    }

    /// <param name="path">The PNG to write (atomically).</param>
    /// <param name="maps">Each source's label and heat map (the same size for all; unsmoothed, as avg_spectra.py's slices).</param>
    /// <param name="imageSize">The images' size.</param>
    public static void SaveSlices(string path, IReadOnlyList<(string Label, double[,] Map)> maps, int imageSize)
    {
        const int panel = 460, height = 360, left = 50, top = 40, gap = 60, bottom = 40;
        const double yLow = -50, yHigh = 30;
        using var surface = SKSurface.Create(new SKImageInfo(left + 2 * panel + gap + 20, top + height + bottom + 20 * maps.Count));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        int n = maps[0].Map.GetLength(0), centre = n / 2;
        foreach (var (diagonal, index) in new[] { (false, 0), (true, 1) })
        {
            float x0 = left + index * (panel + gap);
            double xMax = diagonal ? imageSize / Math.Sqrt(2) : imageSize / 2.0;
            float X(double f) => x0 + (float)(f / xMax * panel);
            float Y(double db) => top + (float)((yHigh - Math.Clamp(db, yLow, yHigh)) / (yHigh - yLow) * height);
            for (int i = 0; i <= 8; i++)
            {
                canvas.DrawLine(X(xMax * i / 8), top, X(xMax * i / 8), top + height, grid);
                canvas.DrawLine(x0, Y(yLow + i * 10), x0 + panel, Y(yLow + i * 10), grid);
                canvas.DrawText(Format(Math.Round(xMax * i / 8, diagonal ? 0 : 1)), X(xMax * i / 8) - 8, top + height + 16, text);
                canvas.DrawText(Format(yLow + i * 10), x0 - 34, Y(yLow + i * 10) + 4, text);
            }
            canvas.DrawRect(x0, top, panel, height, axis);
            canvas.DrawText(diagonal ? "45° slice" : "0° slice", x0, top - 10, text);
            for (int s = 0; s < maps.Count; s++)
            {
                using var line = new SKPaint { Color = Lines[s % Lines.Length], StrokeWidth = 1.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
                using var curve = new SKPath();
                for (int k = 0; centre + k < n; k++)
                {
                    double db = diagonal ? maps[s].Map[centre + k, centre + k] : maps[s].Map[centre, centre + k];
                    var point = new SKPoint(X(xMax * k / (n - 1 - centre)), Y(db));
                    if (k == 0) curve.MoveTo(point); else curve.LineTo(point);
                }
                canvas.DrawPath(curve, line);
                using var label = new SKPaint { Color = line.Color, TextSize = 13, IsAntialias = true };
                if (index == 0) canvas.DrawText(maps[s].Label, left, top + height + 36 + 18 * s, label);
            }
        }
        Save(surface, path);
    }

    static SKColor Band(double db)
    {
        // contourf with extend='both': below the lowest level the first colour, above the highest the last.
        int bands = (int)((Highest - Lowest) / Step);
        double position = double.IsNaN(db) ? 0 : Math.Clamp((Math.Floor((db - Lowest) / Step) + 1) / (bands + 1), 0, 1);
        double scaled = position * (Blues.Length - 1);
        int i = Math.Min((int)scaled, Blues.Length - 2);
        double t = scaled - i;
        SKColor a = Blues[i], b = Blues[i + 1];
        return new SKColor((byte)(a.Red + t * (b.Red - a.Red)), (byte)(a.Green + t * (b.Green - a.Green)), (byte)(a.Blue + t * (b.Blue - a.Blue)));
    }

    static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    static void Save(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
