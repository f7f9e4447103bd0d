namespace StyleGan.Formats.Pickle;

/// <summary>Calls an allowed Python function or class with the arguments the pickle gives it.</summary>
internal delegate object? PickleCall(PyTuple args, LoadContext context);

/// <summary>
/// A Python name (module and qualified name) that a pickle refers to and this reader allows: a data constructor it
/// may call through a C# handler, or a type it only compares against (torch.Tensor, builtins.object), with no handler.
/// </summary>
internal sealed class PickleGlobal(string module, string name, PickleCall? call = null)
{
    public string Module { get; } = module;

    public string Name { get; } = name;

    public string FullName => $"{Module}.{Name}";

    public object? Call(PyTuple args, LoadContext context) => call is not null ? call(args, context)
        : throw context.Corrupt($"the pickle calls {FullName}, which only names a type here");
}
