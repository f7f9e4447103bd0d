using System.Numerics;
using TorchSharp;

namespace StyleGan.Formats.Pickle;

/// <summary>How Python values map to C# ones, and how to name them in error messages.</summary>
public static class PyValue
{
    /// <summary>A Python int: a long when it fits, a BigInteger only when it does not.</summary>
    public static object Integer(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    /// <summary>The value as a <typeparamref name="T"/>, widening ints to floats and narrowing them to int when they fit.</summary>
    public static bool TryConvert<T>(object? value, out T result)
    {
        object? converted = value switch
        {
            null => typeof(T) == typeof(object) || Nullable.GetUnderlyingType(typeof(T)) is not null ? null : Failed.Value,
            T => value,
            long l when typeof(T) == typeof(int) || typeof(T) == typeof(int?) => l is >= int.MinValue and <= int.MaxValue ? (int)l : Failed.Value,
            long l when typeof(T) == typeof(double) || typeof(T) == typeof(double?) => (double)l,
            long l when typeof(T) == typeof(float) || typeof(T) == typeof(float?) => (float)l,
            double d when typeof(T) == typeof(float) || typeof(T) == typeof(float?) => (float)d,
            FileBytes bytes when typeof(T) == typeof(byte[]) => bytes.Read(),
            _ => Failed.Value,
        };
        if (converted is Failed) { result = default!; return false; }
        result = (T)converted!;
        return true;
    }

    /// <summary>The value in Python's words, for messages: "None", "an int (3)", "a str ('x')", "a dict".</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long or BigInteger => $"an int ({value})",
        double d => $"a float ({d.ToString(System.Globalization.CultureInfo.InvariantCulture)})",
        string s => $"a str ('{(s.Length > 40 ? s[..40] + "..." : s)}')",
        byte[] bytes => $"bytes (length {bytes.Length})",
        FileBytes bytes => $"bytes (length {bytes.Length})",
        PyTuple tuple => $"a tuple of {tuple.Count}",
        List<object?> list => $"a list of {list.Count}",
        PyDict dict => $"a {dict.PythonType}",
        HashSet<object> => "a set",
        PyObject obj => $"a {obj.FullName} object",
        PersistentObject persistent => $"a persistent {persistent.ClassName} object",
        NumpyArray => "a numpy array",
        torch.Tensor tensor => $"a {tensor.dtype} tensor",
        _ => $"a {value.GetType().Name}",
    };

    /// <summary>The C# type's Python name, for "expected ..." messages.</summary>
    public static string Name(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(long) || type == typeof(int) || type == typeof(BigInteger)) return "an int";
        if (type == typeof(double) || type == typeof(float)) return "a float";
        if (type == typeof(bool)) return "a bool";
        if (type == typeof(string)) return "a str";
        if (type == typeof(byte[])) return "bytes";
        if (type == typeof(PyTuple)) return "a tuple";
        if (type == typeof(List<object?>)) return "a list";
        if (type == typeof(PyDict)) return "a dict";
        if (type == typeof(HashSet<object>)) return "a set";
        if (type == typeof(PyObject)) return "an object";
        if (type == typeof(PersistentObject)) return "a persistent object";
        if (type == typeof(NumpyArray)) return "a numpy array";
        if (typeof(torch.Tensor).IsAssignableFrom(type)) return "a tensor";
        return $"a {type.Name}";
    }

    sealed class Failed
    {
        public static readonly Failed Value = new();
    }
}
