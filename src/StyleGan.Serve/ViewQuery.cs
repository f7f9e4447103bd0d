using System.Globalization;
using Microsoft.AspNetCore.Http;
using StyleGan.Configs;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Networks;

namespace StyleGan.Serve;

/// <summary>
/// Reads a <see cref="ViewState"/> from a query string, refusing every parameter that is unknown, malformed or out
/// of the network's range with a message that names it.
/// </summary>
public static class ViewQuery
{
    /// <summary>The parameters a render request may carry.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["seed", "x", "y", "class", "psi", "cutoff", "mix", "styles", "noise", "noiseSeed", "noiseStrength", "dirs", "layer", "channel", "normalize", "projection", "tx", "ty", "rotate", "untransform", "client"];

    /// <param name="query">The request's query.</param>
    /// <param name="network">What the values are checked against.</param>
    public static ViewState Parse(IQueryCollection query, NetworkInfo network)
    {
        RequireKnown(query, Names);

        double x, y;
        if (query.ContainsKey("seed"))
        {
            if (query.ContainsKey("x") || query.ContainsKey("y")) throw new RequestException("seed: give either seed or x and y, not both.");
            (x, y) = SeedPlane.PointOf(UInt(query, "seed", 0));
        }
        else
        {
            x = Double(query, "x", 0, -SeedPlane.MaxCoordinate, SeedPlane.MaxCoordinate);
            y = Double(query, "y", 0, -SeedPlane.MaxCoordinate, SeedPlane.MaxCoordinate);
        }

        int? classIndex = Class(query, network);

        double psi = Double(query, "psi", 1, -Networks.Truncation.MaxPsi, Networks.Truncation.MaxPsi);
        int? cutoff = query.ContainsKey("cutoff") ? Int(query, "cutoff", 0, network.NumWs) : null;

        uint? mixSeed = query.ContainsKey("mix") ? UInt(query, "mix", 0) : null;
        var styles = query.ContainsKey("styles") ? Styles(query["styles"].ToString(), network.NumWs) : [];

        var noiseMode = query["noise"].ToString() switch
        {
            "" or "const" => NoiseMode.Const,
            "random" => NoiseMode.Random,
            "none" => NoiseMode.None,
            var other => throw new RequestException($"noise: '{other}' is not one of const, random, none."),
        };
        ulong noiseSeed = query.ContainsKey("noiseSeed") ? ULong(query, "noiseSeed") : 0;
        double noiseStrength = Double(query, "noiseStrength", 1, 0, NoiseSettings.MaxStrength);

        var moves = query.ContainsKey("dirs") ? Moves(query["dirs"].ToString(), network.Directions) : [];

        string? layer = query.ContainsKey("layer") && query["layer"] != "output" ? query["layer"].ToString() : null;
        if (layer is not null && !network.Layers.Any(l => l.Name == layer))
            throw new RequestException($"layer: '{layer}' is not a layer of this network; the layers are output, {string.Join(", ", network.Layers.Select(l => l.Name))}.");
        int channels = layer is null ? network.Channels : network.Layers.First(l => l.Name == layer).Channels;
        int? channel = query.ContainsKey("channel") ? Int(query, "channel", 0, channels - 1) : null;
        bool normalize = Bool(query, "normalize");
        var move = new InputMove(Double(query, "tx", 0, -MaxTranslation, MaxTranslation), Double(query, "ty", 0, -MaxTranslation, MaxTranslation),
            Double(query, "rotate", 0, -MaxDegrees, MaxDegrees), Bool(query, "untransform"));
        if (move != InputMove.None && !network.HasInputTransform)
            throw new RequestException($"{new[] { "tx", "ty", "rotate", "untransform" }.First(query.ContainsKey)}: translating and rotating move StyleGAN3's Fourier input; this network has none.");
        string? projection = query.ContainsKey("projection") ? query["projection"].ToString() : null;

        return new ViewState(x, y, classIndex, new Truncation(psi, cutoff), new WsEdits(mixSeed, styles, moves),
            new NoiseSettings(noiseMode, noiseSeed, noiseStrength), layer, channel, normalize, projection, move);
    }

    /// <summary>The largest translation the page may ask for, in image sizes (the input is periodic far beyond it).</summary>
    public const double MaxTranslation = 100;

    /// <summary>The largest rotation the page may ask for, in degrees either way.</summary>
    public const double MaxDegrees = 3600;

    static bool Bool(IQueryCollection query, string name) => query[name].ToString() switch
    {
        "" or "0" or "false" => false,
        "1" or "true" => true,
        var other => throw new RequestException($"{name}: '{other}' is not true or false."),
    };

    /// <summary>The request's client id for coalescing, or null; refused when it is long or not plain.</summary>
    /// <param name="query">The request's query.</param>
    public static string? Client(IQueryCollection query)
    {
        string client = query["client"].ToString();
        if (client.Length == 0) return null;
        if (client.Length > 64 || !client.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new RequestException("client: give at most 64 letters, digits, '-' or '_'.");
        return client;
    }

    /// <summary>Refuses parameters not in <paramref name="names"/>, and any given twice.</summary>
    /// <param name="query">The request's query.</param>
    /// <param name="names">The parameters the request may carry.</param>
    public static void RequireKnown(IQueryCollection query, IReadOnlyList<string> names)
    {
        foreach (var key in query.Keys)
            if (!names.Contains(key)) throw new RequestException($"{key}: not a parameter of this request; the parameters are {string.Join(", ", names)}.");
        foreach (var (key, values) in query)
            if (values.Count > 1) throw new RequestException($"{key}: given {values.Count} times; give it once.");
    }

    /// <summary>The class of a conditional network (required), or null for an unconditional one (where class is refused).</summary>
    /// <param name="query">The request's query.</param>
    /// <param name="network">Its class count.</param>
    public static int? Class(IQueryCollection query, NetworkInfo network)
    {
        if (network.CDim == 0) return query.ContainsKey("class") ? throw new RequestException("class: the network is unconditional; leave class out.") : null;
        if (!query.ContainsKey("class")) throw new RequestException($"class: the network is conditional on {network.CDim} classes; give a class between 0 and {network.CDim - 1}.");
        return Int(query, "class", 0, network.CDim - 1);
    }

    /// <summary>A whole-number parameter in [min, max], refused naming it otherwise.</summary>
    /// <param name="query">The request's query.</param>
    /// <param name="name">The parameter.</param>
    /// <param name="min">Its least value.</param>
    /// <param name="max">Its greatest value.</param>
    public static int Int(IQueryCollection query, string name, int min, int max)
    {
        string text = query[name].ToString();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new RequestException($"{name}: '{text}' is not a whole number in [{min}, {max}].");
        return value;
    }

    static IReadOnlyList<int> Styles(string text, int numWs)
    {
        if (text.Length == 0) return [];
        try { return LayerRange.Parse(text, numWs); }
        catch (InvalidValueException e) { throw new RequestException($"styles: {e.Message}"); }
    }

    static IReadOnlyList<DirectionMove> Moves(string text, int available)
    {
        var parts = text.Length == 0 ? [] : text.Split(',');
        if (parts.Length > available)
            throw new RequestException($"dirs: {parts.Length} strengths for the {available} directions this network has (comma-separated, the strongest first).");
        return parts.Select((part, index) =>
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double strength) || !double.IsFinite(strength) || Math.Abs(strength) > 1000)
                throw new RequestException($"dirs: '{part}' (direction {index}) is not a number in [-1000, 1000].");
            return new DirectionMove(index, strength);
        }).ToList();
    }

    static double Double(IQueryCollection query, string name, double fallback, double min, double max)
    {
        if (!query.ContainsKey(name)) return fallback;
        string text = query[name].ToString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < min || value > max)
            throw new RequestException($"{name}: '{text}' is not a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        return value;
    }

    static uint UInt(IQueryCollection query, string name, uint min)
    {
        string text = query[name].ToString();
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) || value < min)
            throw new RequestException($"{name}: '{text}' is not a seed, a whole number in [0, {uint.MaxValue}].");
        return value;
    }

    static ulong ULong(IQueryCollection query, string name)
    {
        string text = query[name].ToString();
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            throw new RequestException($"{name}: '{text}' is not a whole number in [0, {ulong.MaxValue}].");
        return value;
    }
}
