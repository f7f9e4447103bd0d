namespace StyleGan.Formats.Pickle;

/// <summary>
/// An instance of a Python class this reader allows but has no C# counterpart for (a <c>torch.nn.modules.*</c>
/// module, <c>argparse.Namespace</c>): its class name, the arguments it was created with and the attributes the
/// pickle gave it. Nothing of the class itself runs.
/// </summary>
public sealed class PyObject
{
    internal PyObject(string module, string name, PyTuple args, string source)
    {
        Module = module;
        Name = name;
        Args = args;
        State = new PyDict(source, $"{module}.{name}.__dict__");
    }

    /// <summary>The Python module of the class, e.g. "torch.nn.modules.linear".</summary>
    public string Module { get; }

    /// <summary>The class name, e.g. "Linear".</summary>
    public string Name { get; }

    public string FullName => $"{Module}.{Name}";

    /// <summary>Arguments of the class's constructor call in the pickle (usually none).</summary>
    public PyTuple Args { get; }

    /// <summary>The object's attributes (its <c>__dict__</c>): for a torch module <c>_parameters</c>, <c>_buffers</c>,
    /// <c>_modules</c>, <c>training</c>, ...; for an argparse.Namespace the parsed options.</summary>
    public PyDict State { get; }

    /// <summary>The items, when the class is a dict subclass; null otherwise.</summary>
    public PyDict? Items { get; internal set; }
}
