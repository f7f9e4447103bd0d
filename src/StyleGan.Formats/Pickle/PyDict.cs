using System.Diagnostics.CodeAnalysis;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// A Python dict, or an instance of a dict subclass this reader allows (collections.OrderedDict, dnnlib's EasyDict),
/// in insertion order, with Python's key equality. Keys are strings, ints (long), floats, bools, bytes or tuples.
/// </summary>
public sealed class PyDict : OrderedDictionary<object, object?>
{
    public PyDict(string source, string pythonType = "dict") : base(PyKeyComparer.Instance)
    {
        Source = source;
        PythonType = pythonType;
    }

    /// <summary>The file this dict was read from, for error messages.</summary>
    public string Source { get; }

    /// <summary>The Python class: "dict", "collections.OrderedDict", "dnnlib.util.EasyDict", ...</summary>
    public string PythonType { get; }

    /// <summary>
    /// Attributes the pickle set on the dict object itself, apart from its items: e.g. <c>_metadata</c> (per-module
    /// versions) on the OrderedDict that <c>module.state_dict()</c> returns. Null when there are none.
    /// </summary>
    public PyDict? Attributes { get; internal set; }

    /// <summary>The value of <paramref name="key"/> as a <typeparamref name="T"/>; a clear error naming the file when
    /// the key is missing or the value is of another type (ints widen to float, and narrow to int when they fit).</summary>
    public T Get<T>(string key)
    {
        if (!TryGetValue(key, out var value))
            throw new InvalidDataException($"{Source}: the {PythonType} has no key '{key}' (its keys: {KeyList()}).");
        return PyValue.TryConvert<T>(value, out var result) ? result
            : throw new InvalidDataException($"{Source}: '{key}' is {PyValue.Describe(value)}, not {PyValue.Name(typeof(T))}.");
    }

    /// <summary>Like <see cref="Get{T}"/> for an optional entry: false when the key is missing or its value is None.</summary>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        if (!TryGetValue(key, out var stored) || stored is null)
        {
            value = default;
            return false;
        }
        value = Get<T>(key);
        return true;
    }

    string KeyList()
    {
        const int shown = 20;
        var names = Keys.Take(shown).Select(k => k is string s ? s : PyValue.Describe(k)).ToList();
        if (Count > shown) names.Add($"... {Count - shown} more");
        return Count == 0 ? "none" : string.Join(", ", names);
    }
}
