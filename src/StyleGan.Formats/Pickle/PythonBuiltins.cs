using System.Text;

namespace StyleGan.Formats.Pickle;

/// <summary>The Python builtins and standard-library names that pickles use to build plain data.</summary>
internal static class PythonBuiltins
{
    public static void Register(Dictionary<string, object> names)
    {
        void Add(string module, string name, PickleCall? call) => names[$"{module}.{name}"] = new PickleGlobal(module, name, call);

        Add("builtins", "object", null);
        Add("builtins", "set", (args, context) => NewSet(args, "builtins.set", context));
        Add("builtins", "frozenset", (args, context) => NewSet(args, "builtins.frozenset", context));
        Add("builtins", "list", (args, context) =>
        {
            context.CheckArity(args, "builtins.list", 0, 1);
            return args.Count == 0 ? new List<object?>() : Iterate(args[0], "builtins.list", context).ToList();
        });
        Add("builtins", "tuple", (args, context) =>
        {
            context.CheckArity(args, "builtins.tuple", 0, 1);
            return args.Count == 0 ? PyTuple.Empty : new PyTuple(Iterate(args[0], "builtins.tuple", context).ToArray());
        });
        Add("builtins", "bytes", (args, context) =>
        {
            context.CheckArity(args, "builtins.bytes", 0); // protocols 0-2 write empty bytes as bytes()
            return Array.Empty<byte>();
        });
        Add("builtins", "bytearray", (args, context) =>
        {
            context.CheckArity(args, "builtins.bytearray", 0, 2);
            return args.Count switch
            {
                0 => Array.Empty<byte>(),
                1 => context.Arg<byte[]>(args, 0, "builtins.bytearray"),
                _ => Encode(args, "builtins.bytearray", context),
            };
        });
        // Protocols 0-2 write Python 3 bytes as _codecs.encode(latin-1 text, 'latin1').
        Add("_codecs", "encode", (args, context) =>
        {
            context.CheckArity(args, "_codecs.encode", 2);
            return Encode(args, "_codecs.encode", context);
        });
        foreach (var (module, name) in new[] { ("builtins", "dict"), ("collections", "OrderedDict"), ("dnnlib.util", "EasyDict"), ("dnnlib", "EasyDict") })
            Add(module, name, (args, context) => NewDict(args, $"{module}.{name}", context));
        Add("argparse", "Namespace", ObjectClass("argparse", "Namespace"));
        Add("copyreg", "_reconstructor", Reconstructor);
        // Python's __reduce_ex__ for protocols 0 and 1 of classes that define __getnewargs__: copyreg.__newobj__(cls, *args).
        Add("copyreg", "__newobj__", (args, context) =>
        {
            if (args.Count == 0) throw context.Corrupt("copyreg.__newobj__ gets no class");
            return context.Arg<PickleGlobal>(args, 0, "copyreg.__newobj__").Call(new PyTuple(args.Skip(1).ToArray()), context);
        });
    }

    /// <summary>A class with no C# counterpart: constructing it records its name, arguments and (later) its state.</summary>
    public static PickleCall ObjectClass(string module, string name) =>
        (args, context) => new PyObject(module, name, args, context.Source);

    /// <summary>The items of a list, tuple or set, or the keys of a dict, as Python iterates them.</summary>
    public static IEnumerable<object?> Iterate(object? iterable, string function, LoadContext context) => iterable switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple,
        HashSet<object> set => set,
        PyDict dict => dict.Keys,
        _ => throw context.Corrupt($"{function} iterates over {PyValue.Describe(iterable)}, which this reader does not iterate"),
    };

    static HashSet<object> NewSet(PyTuple args, string function, LoadContext context)
    {
        context.CheckArity(args, function, 0, 1);
        var set = new HashSet<object>(PyKeyComparer.Instance);
        if (args.Count == 1)
            foreach (var item in Iterate(args[0], function, context))
                set.Add(PyKeyComparer.WhyUnhashable(item) is { } why ? throw context.Corrupt($"{function}: {why}") : item!);
        return set;
    }

    /// <summary>dict(), dict(mapping) or dict(iterable of pairs), for dict and its allowed subclasses.</summary>
    static PyDict NewDict(PyTuple args, string pythonType, LoadContext context)
    {
        context.CheckArity(args, pythonType, 0, 1);
        var dict = new PyDict(context.Source, pythonType);
        if (args.Count == 1) Update(dict, args[0], pythonType, context);
        return dict;
    }

    static void Update(PyDict dict, object? items, string function, LoadContext context)
    {
        if (items is PyDict source)
        {
            foreach (var (key, value) in source) dict[key] = value;
            return;
        }
        foreach (var pair in Iterate(items, function, context))
        {
            var (key, value) = pair switch
            {
                PyTuple { Count: 2 } t => (t[0], t[1]),
                List<object?> { Count: 2 } l => (l[0], l[1]),
                _ => throw context.Corrupt($"{function} gets {PyValue.Describe(pair)} where a (key, value) pair belongs"),
            };
            dict[PyKeyComparer.WhyUnhashable(key) is { } why ? throw context.Corrupt($"{function}: {why}") : key!] = value;
        }
    }

    /// <summary>(text, encoding): the bytes of a str in Latin-1 or UTF-8, the encodings pickles use.</summary>
    static byte[] Encode(PyTuple args, string function, LoadContext context)
    {
        string text = context.Arg<string>(args, 0, function);
        string encoding = context.Arg<string>(args, 1, function).ToLowerInvariant().Replace('_', '-');
        switch (encoding)
        {
            case "latin1" or "latin-1" or "iso-8859-1":
                if (text.Any(c => c > '\xff')) throw context.Corrupt($"{function} encodes text beyond Latin-1 as Latin-1");
                return Encoding.Latin1.GetBytes(text);
            case "utf8" or "utf-8":
                return Encoding.UTF8.GetBytes(text);
            default:
                throw context.Corrupt($"{function} uses the encoding '{encoding}', which this reader does not know");
        }
    }

    /// <summary>
    /// copyreg._reconstructor(cls, base, state), how protocols 0 and 1 pickle instances: base.__new__(cls), then for
    /// dict and list subclasses base.__init__(obj, state); the attributes follow in a BUILD.
    /// </summary>
    static object? Reconstructor(PyTuple args, LoadContext context)
    {
        const string function = "copyreg._reconstructor";
        context.CheckArity(args, function, 3);
        var cls = context.Arg<PickleGlobal>(args, 0, function);
        var baseType = context.Arg<PickleGlobal>(args, 1, function);
        var instance = cls.Call(PyTuple.Empty, context);
        var state = args[2];
        switch (baseType.FullName)
        {
            case "builtins.object" when state is null:
                break;
            case "builtins.dict" when instance is PyDict dict:
                if (state is not null) Update(dict, state, function, context);
                break;
            case "builtins.list" when instance is List<object?> list:
                if (state is not null) list.AddRange(Iterate(state, function, context));
                break;
            default:
                throw context.Corrupt($"{function} makes a {cls.FullName} from {baseType.FullName} with {PyValue.Describe(state)}, which this reader does not support");
        }
        return instance;
    }
}
