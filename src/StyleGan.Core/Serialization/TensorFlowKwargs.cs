using System.Globalization;
using StyleGan.Formats.Pickle;

namespace StyleGan.Serialization;

/// <summary>
/// The static kwargs of a TensorFlow network, read as NVIDIA's <c>legacy.py</c> reads them: every name the build
/// functions know is read with its default, a value we do not build is refused naming the kwarg, and
/// <see cref="CheckAllRead"/> refuses a name nothing read.
/// </summary>
/// <param name="kwargs">The network's static_kwargs.</param>
/// <param name="what">The file and network, for messages.</param>
internal sealed class TensorFlowKwargs(PyDict kwargs, string what)
{
    readonly HashSet<string> read = [];

    /// <summary>The value of <paramref name="name"/> in Python's notation ("True", "'lrelu'", "[1, 2, 1]", "None"), or <paramref name="absent"/>.</summary>
    string Repr(string name, string absent)
    {
        read.Add(name);
        return kwargs.TryGetValue(name, out var value) ? PythonRepr(value) : absent;
    }

    /// <summary>Marks kwargs that change nothing we compute (training, validation and graph-building switches).</summary>
    public void Ignore(params string[] names) => read.UnionWith(names);

    /// <summary>
    /// The kwarg's value, which must be one of <paramref name="accepted"/> (Python notation); its default is the
    /// first. Any other value is refused naming the kwarg.
    /// </summary>
    public string OneOf(string name, params string[] accepted)
    {
        string value = Repr(name, accepted[0]);
        return accepted.Contains(value) ? value
            : throw new InvalidDataException($"{what} was built with {name}={value}, which this implementation does not build " +
                $"(it builds {string.Join(" or ", accepted.Select(a => $"{name}={a}"))}).");
    }

    /// <summary>An int kwarg (None gives <paramref name="none"/>).</summary>
    public int? Int(string name, int? defaultValue, int? none = null)
    {
        read.Add(name);
        if (!kwargs.TryGetValue(name, out var value)) return defaultValue;
        return value switch
        {
            null => none,
            long l when l is > 0 and <= int.MaxValue => (int)l,
            long l when l == 0 => 0,
            _ => throw new InvalidDataException($"{what} has {name}={PythonRepr(value)}, not a size."),
        };
    }

    /// <summary>A float kwarg (None gives <paramref name="none"/>).</summary>
    public double? Double(string name, double? defaultValue, double? none = null)
    {
        read.Add(name);
        if (!kwargs.TryGetValue(name, out var value)) return defaultValue;
        return value switch
        {
            null => none,
            double d => d,
            long l => l,
            _ => throw new InvalidDataException($"{what} has {name}={PythonRepr(value)}, not a number."),
        };
    }

    /// <summary>Refuses a kwarg that no build function reads (as legacy.py does): an unknown kwarg may change the function.</summary>
    public void CheckAllRead()
    {
        foreach (var key in kwargs.Keys)
            if (key is not string name || !read.Contains(name))
                throw new InvalidDataException($"{what} was built with the kwarg {PythonRepr(key)}={PythonRepr(kwargs[key])}, which this implementation does not know.");
    }

    // As Python's repr: 1.0 (not 1), 1e-08 (not 1E-08).
    static string PythonFloat(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') || !double.IsFinite(value) ? text : text + ".0";
    }

    static string PythonRepr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        double d => PythonFloat(d),
        List<object?> list => $"[{string.Join(", ", list.Select(PythonRepr))}]",
        PyTuple tuple => $"({string.Join(", ", tuple.Select(PythonRepr))}{(tuple.Count == 1 ? "," : "")})",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? PyValue.Describe(value),
    };
}
