using System.Collections;

namespace StyleGan.Formats.Pickle;

/// <summary>A Python tuple: a read-only list that compares by content (tuples are dict keys in Python).</summary>
public sealed class PyTuple : IReadOnlyList<object?>, IEquatable<PyTuple>
{
    public static readonly PyTuple Empty = new([]);

    readonly object?[] items;

    internal PyTuple(object?[] items) => this.items = items;

    public int Count => items.Length;

    public object? this[int index] => items[index];

    /// <summary>Item <paramref name="index"/> as a <typeparamref name="T"/>; a clear error when absent or of another type.</summary>
    public T Get<T>(int index)
    {
        if (index < 0 || index >= items.Length)
            throw new InvalidDataException($"The tuple has {items.Length} items, so it has no item {index}.");
        return PyValue.TryConvert<T>(items[index], out var value) ? value
            : throw new InvalidDataException($"Item {index} of the tuple is {PyValue.Describe(items[index])}, not {PyValue.Name(typeof(T))}.");
    }

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    public bool Equals(PyTuple? other) => PyKeyComparer.Instance.Equals(this, other);

    public override bool Equals(object? obj) => obj is PyTuple other && Equals(other);

    public override int GetHashCode() => PyKeyComparer.Instance.GetHashCode(this);
}
