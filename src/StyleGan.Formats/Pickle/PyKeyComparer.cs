using System.Numerics;
using System.Runtime.CompilerServices;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// Python's equality for dict keys and set members: numbers compare by value across bool, int and float (so
/// <c>{1: a, True: b}</c> holds one key, as in Python), strings and bytes by content, tuples item by item, anything
/// else (tensors, objects) by identity.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    /// <summary>Tuples nested deeper than this are refused as keys, so comparing them cannot exhaust the stack.</summary>
    const int MaxDepth = 100;

    /// <summary>Why Python would refuse <paramref name="key"/> as a dict key or set member, or null when it is hashable.</summary>
    public static string? WhyUnhashable(object? key, int depth = 0) => key switch
    {
        null => "None as a dict key or set member is not supported",
        _ when depth > MaxDepth => $"a tuple key nested more than {MaxDepth} levels deep",
        PyTuple tuple => tuple.Select(item => WhyUnhashable(item, depth + 1)).FirstOrDefault(why => why is not null),
        List<object?> or PyDict or HashSet<object> => $"{PyValue.Describe(key)} cannot be a dict key or set member (unhashable)",
        _ => null,
    };

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        x = Normalize(x);
        y = Normalize(y);
        return (x, y) switch
        {
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (PyTuple a, PyTuple b) => a.Count == b.Count && a.Zip(b).All(pair => Equals(pair.First, pair.Second)),
            _ when x.GetType().IsValueType => x.Equals(y),
            _ => false,
        };
    }

    public int GetHashCode(object obj)
    {
        obj = Normalize(obj);
        switch (obj)
        {
            case string s: return StringComparer.Ordinal.GetHashCode(s);
            case byte[] bytes:
                var hash = new HashCode();
                hash.AddBytes(bytes);
                return hash.ToHashCode();
            case PyTuple tuple:
                var combined = new HashCode();
                foreach (var item in tuple) combined.Add(item is null ? 0 : GetHashCode(item));
                return combined.ToHashCode();
            default:
                return obj.GetType().IsValueType ? obj.GetHashCode() : RuntimeHelpers.GetHashCode(obj);
        }
    }

    /// <summary>One representation per number: bool and integral floats become the integer they equal.</summary>
    static object Normalize(object value) => value switch
    {
        bool b => b ? 1L : 0L,
        double d when double.IsInteger(d) => PyValue.Integer(new BigInteger(d)),
        BigInteger big => PyValue.Integer(big),
        _ => value,
    };
}
