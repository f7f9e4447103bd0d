using System.Globalization;

namespace StyleGan.Generation;

/// <summary>
/// A set of ws indices, from a list ("0-6", "0,2,4-5") or a name. The names follow the StyleGAN paper, by the
/// resolution each w drives, two ws per resolution from 4x4 up: coarse = 4x4-8x8 (ws 0-3: pose, shape), middle =
/// 16x16-32x32 (ws 4-7: features), fine = 64x64 up (ws 8 on: colour, micro-structure).
/// </summary>
public static class LayerRange
{
    /// <summary>The named ranges, in order.</summary>
    public static readonly IReadOnlyList<string> Names = ["coarse", "middle", "fine"];

    /// <summary>The resolution a ws index drives (4 for ws 0 and 1, 8 for 2 and 3, ...).</summary>
    /// <param name="index">A ws index.</param>
    public static int Resolution(int index) => 4 << (index / 2);

    /// <summary>The ws indices a text names, each checked against the network's number of ws.</summary>
    /// <param name="text">"coarse", "middle", "fine", or indices and inclusive ranges separated by commas.</param>
    /// <param name="numWs">The network's number of ws.</param>
    /// <param name="setting">The setting the text came from, named in errors.</param>
    public static IReadOnlyList<int> Parse(string text, int numWs, string setting = "Styles")
    {
        string trimmed = text.Trim().ToLowerInvariant();
        if (Names.Contains(trimmed))
        {
            var (first, last) = trimmed switch { "coarse" => (0, 3), "middle" => (4, 7), _ => (8, int.MaxValue) };
            var layers = Enumerable.Range(first, Math.Max(0, Math.Min(last, numWs - 1) - first + 1)).ToList();
            if (layers.Count == 0)
                throw new InvalidValueException(setting, $"this network has {numWs} ws (up to {Resolution(numWs - 1)}x{Resolution(numWs - 1)}), so no {trimmed} layers " +
                    $"({Describe(trimmed)}); name layers by index, 0 to {numWs - 1}.");
            return layers;
        }
        var result = new SortedSet<int>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            string[] ends = part.Split('-');
            if (ends.Length > 2 || ends.Any(e => !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new InvalidValueException(setting, $"'{part}' in '{text}' is not a layer index, a range like 0-6, or one of {string.Join(", ", Names)}.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (to < from) throw new InvalidValueException(setting, $"'{part}' in '{text}' runs backwards; write it as {to}-{from}.");
            if (to >= numWs) throw new InvalidValueException(setting, $"layer {to} in '{text}' is past the network's last ws, {numWs - 1}.");
            for (int i = from; i <= to; i++) result.Add(i);
        }
        return result.ToList();
    }

    /// <summary>What a named range covers, for messages and help.</summary>
    /// <param name="name">coarse, middle or fine.</param>
    public static string Describe(string name) => name switch
    {
        "coarse" => "ws 0-3, 4x4-8x8",
        "middle" => "ws 4-7, 16x16-32x32",
        "fine" => "ws 8 and up, 64x64 and up",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a range name"),
    };
}
