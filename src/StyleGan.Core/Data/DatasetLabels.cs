using StyleGan.Configs;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StyleGan.Data;

/// <summary>
/// Labels by image path, as StyleGAN2-ADA's dataset.json holds them: an integer class per image (given to the networks
/// one-hot, with as many dimensions as the largest class + 1) or a vector of floats per image (given as is).
/// </summary>
public sealed class DatasetLabels
{
    /// <summary>The file at a dataset's root that holds its labels.</summary>
    public const string FileName = "dataset.json";

    readonly IReadOnlyDictionary<string, int>? classes;
    readonly IReadOnlyDictionary<string, float[]>? vectors;

    DatasetLabels(IReadOnlyDictionary<string, int>? classes, IReadOnlyDictionary<string, float[]>? vectors, int dim)
    {
        this.classes = classes;
        this.vectors = vectors;
        Dim = dim;
    }

    /// <summary>Integer classes by relative path; the dimension is the largest class + 1 unless <paramref name="dim"/> asks for more.</summary>
    /// <param name="classes">Relative path -> class index (>= 0).</param>
    /// <param name="dim">At least this many dimensions, so a subset keeps its parent's class count.</param>
    public static DatasetLabels FromClasses(IReadOnlyDictionary<string, int> classes, int dim = 0)
    {
        var negative = classes.FirstOrDefault(pair => pair.Value < 0);
        if (negative.Key is not null) throw new InvalidDataException($"Label of {negative.Key} is {negative.Value}: classes are integers >= 0.");
        // The networks take one dimension per class: 2^31 - 1 overflowed the count and trained without labels.
        var huge = classes.FirstOrDefault(pair => pair.Value >= NetworkLimits.MaxLabels);
        if (huge.Key is not null) throw new InvalidDataException($"Label of {huge.Key} is {huge.Value}: classes go from 0 to {NetworkLimits.MaxLabels - 1}.");
        return new DatasetLabels(classes, null, Math.Max(dim, classes.Count == 0 ? 0 : classes.Values.Max() + 1));
    }

    /// <summary>Float vectors by relative path, all of the same length.</summary>
    public static DatasetLabels FromVectors(IReadOnlyDictionary<string, float[]> vectors)
    {
        int dim = vectors.Count == 0 ? 0 : vectors.Values.First().Length;
        var odd = vectors.FirstOrDefault(pair => pair.Value.Length != dim);
        if (odd.Key is not null) throw new InvalidDataException($"Label of {odd.Key} has {odd.Value.Length} values where the others have {dim}.");
        if (dim > NetworkLimits.MaxLabels) throw new InvalidDataException($"Labels have {dim} values each, more than the {NetworkLimits.MaxLabels} a network takes.");
        // 1e39 is a JSON number but no float: it became infinity, and training a NaN loss.
        var infinite = vectors.FirstOrDefault(pair => pair.Value.Any(value => !float.IsFinite(value)));
        if (infinite.Key is not null) throw new InvalidDataException($"Label of {infinite.Key} holds a value beyond a float's range (about 3.4e38).");
        return new DatasetLabels(null, vectors, dim);
    }

    /// <summary>Dimensions of one label as the networks see it.</summary>
    public int Dim { get; }

    /// <summary>Whether the labels are integer classes (else float vectors).</summary>
    public bool AreClasses => classes is not null;

    public bool Contains(string relativePath) => classes?.ContainsKey(relativePath) ?? vectors!.ContainsKey(relativePath);

    /// <summary>Writes one image's label into <paramref name="row"/> (length <see cref="Dim"/>): one-hot for a class, the vector as is.</summary>
    public void Fill(string relativePath, Span<float> row)
    {
        row.Clear();
        if (classes is not null) row[classes[relativePath]] = 1f;
        else vectors![relativePath].CopyTo(row);
    }

    /// <summary>The labels of some images under new names, keeping the dimension (a subset must not lose classes).</summary>
    public DatasetLabels Rename(IEnumerable<(string Name, string From)> files)
    {
        var pairs = files.ToArray();
        return classes is not null
            ? FromClasses(pairs.ToDictionary(file => file.Name, file => classes[file.From]), Dim)
            : FromVectors(pairs.ToDictionary(file => file.Name, file => vectors![file.From]));
    }

    /// <summary>dataset.json's text, entries sorted by path.</summary>
    public string ToJson()
    {
        var labels = new JsonArray();
        foreach (var name in (classes?.Keys ?? vectors!.Keys).Order(StringComparer.Ordinal))
        {
            JsonNode label = classes is not null ? JsonValue.Create(classes[name]) : new JsonArray(vectors![name].Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            labels.Add(new JsonArray(JsonValue.Create(name), label));
        }
        return new JsonObject { ["labels"] = labels }.ToJsonString();
    }

    /// <summary>
    /// Parses dataset.json: {"labels": [["path", 3], ...]} or {"labels": [["path", [0.5, 1.0]], ...]}.
    /// Returns null when it says "labels": null or has none, as StyleGAN2-ADA writes for unlabelled sets.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <param name="origin">The file, for error messages.</param>
    public static DatasetLabels? ParseJson(string json, string origin)
    {
        JsonNode? root;
        try
        {
            // Notepad and other editors start UTF-8 with a byte order mark, which the JSON parser does not take.
            root = JsonNode.Parse(json.TrimStart('\uFEFF'), documentOptions: JsonText.Strict);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin} is not valid JSON ({JsonText.Problem(e)}).", e);
        }
        if (root is not JsonObject obj) throw Malformed(origin, "the root is not an object");
        if (obj["labels"] is not JsonArray entries) return obj["labels"] is null ? null : throw Malformed(origin, "\"labels\" is not a list");
        var classes = new Dictionary<string, int>();
        var vectors = new Dictionary<string, float[]>();
        foreach (var entry in entries)
        {
            if (entry is not JsonArray { Count: 2 } pair || pair[0] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
                throw Malformed(origin, $"entry {entry?.ToJsonString()} is not [\"path\", label]");
            var file = name.GetValue<string>();
            // Which of two labels was meant cannot be told.
            if (classes.ContainsKey(file) || vectors.ContainsKey(file)) throw Malformed(origin, $"{file} is listed twice");
            switch (pair[1])
            {
                case JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int index):
                    classes[file] = index;
                    break;
                case JsonArray vector when vector.All(v => v?.GetValueKind() == JsonValueKind.Number):
                    vectors[file] = vector.Select(v => v!.GetValue<float>()).ToArray();
                    break;
                default:
                    throw Malformed(origin, $"the label of {file} is neither an integer class nor a list of numbers");
            }
        }
        if (classes.Count > 0 && vectors.Count > 0) throw Malformed(origin, "it mixes integer classes and vectors");
        return WithOrigin(origin, () => vectors.Count > 0 ? FromVectors(vectors) : FromClasses(classes));
    }

    /// <summary>Parses CSV lines "path,class" with integer classes; a first line that is not (e.g. "file,label") is a header.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="origin">The file, for error messages.</param>
    public static DatasetLabels ParseCsv(string text, string origin)
    {
        var classes = new Dictionary<string, int>();
        var lines = text.Split('\n').Select(line => line.Trim()).ToArray();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            int comma = lines[i].LastIndexOf(',');
            bool isClass = int.TryParse(comma < 0 ? "" : lines[i][(comma + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int index);
            if (!isClass && classes.Count == 0 && i == 0) continue;
            if (!isClass) throw new InvalidDataException($"{origin} line {i + 1}: \"{lines[i]}\" is not \"path,class\" with an integer class.");
            string file = lines[i][..comma].Trim().Trim('"');
            if (!classes.TryAdd(file, index)) throw new InvalidDataException($"{origin} line {i + 1}: {file} is listed twice.");
        }
        return WithOrigin(origin, () => FromClasses(classes));
    }

    static DatasetLabels WithOrigin(string origin, Func<DatasetLabels> make)
    {
        try
        {
            return make();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{origin}: {e.Message}", e);
        }
    }

    static InvalidDataException Malformed(string origin, string what) =>
        new($"{origin} is not a StyleGAN dataset.json: {what}. Expected {{\"labels\": [[\"relative/path.png\", 3], ...]}}.");
}
