using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>Reads pickled torch modules (NVIDIA's persistent objects, torch.nn classes) as their state dicts.</summary>
public static class TorchModules
{
    /// <summary>
    /// Bound on the characters of all module names built: real networks need thousands, while a crafted file could
    /// share one module exponentially often or give it an enormous name.
    /// </summary>
    const long MaxNameCharacters = 64_000_000;

    /// <summary>
    /// The tensors of a pickled module under the names <c>module.state_dict()</c> gives them in PyTorch, in its order:
    /// each module's parameters, then its persistent buffers, then its children's entries under "child.", depth first.
    /// None entries are skipped, as PyTorch does.
    /// </summary>
    /// <param name="module">A <see cref="PersistentObject"/> or <see cref="PyObject"/> whose state holds
    /// <c>_parameters</c>, <c>_buffers</c> and <c>_modules</c>.</param>
    public static Dictionary<string, Tensor> StateDict(object module)
    {
        var result = new Dictionary<string, Tensor>();
        var pending = new Stack<(object Module, string Prefix, int Depth)>();
        var path = new List<object>(); // the current module's ancestors, to tell a cycle from a shared module
        long nameCharacters = 0;
        pending.Push((module, "", 0));
        while (pending.Count > 0)
        {
            var (current, prefix, depth) = pending.Pop();
            var state = State(current);
            path.RemoveRange(depth, path.Count - depth);
            if (path.Any(ancestor => ReferenceEquals(ancestor, current)))
                throw new InvalidDataException($"{state.Source}: {Describe(prefix)} contains itself, so it has no state dict.");
            path.Add(current);
            nameCharacters += prefix.Length;
            if (nameCharacters > MaxNameCharacters)
                throw new InvalidDataException($"{state.Source}: the module names take more than {MaxNameCharacters} characters (a module shared exponentially often?).");

            var nonPersistent = state.TryGet<HashSet<object>>("_non_persistent_buffers_set", out var names) ? names : [];
            foreach (var (name, value) in Entries(state, "_parameters", prefix))
                if (value is not null) result[prefix + name] = Tensor(value, state, prefix + name);
            foreach (var (name, value) in Entries(state, "_buffers", prefix))
                if (value is not null && !nonPersistent.Contains(name)) result[prefix + name] = Tensor(value, state, prefix + name);
            // Pushed in reverse so that the children come off the stack in their order.
            foreach (var (name, child) in Entries(state, "_modules", prefix).Reverse())
            {
                if (child is null) continue;
                if (child is not (PersistentObject or PyObject))
                    throw new InvalidDataException($"{state.Source}: module '{prefix}{name}' is {PyValue.Describe(child)}, not a torch module.");
                pending.Push((child, $"{prefix}{name}.", depth + 1));
            }
        }
        return result;
    }

    /// <summary>The tensors of a <c>torch.save(module.state_dict())</c> value, by name, in the file's order.</summary>
    /// <param name="value">The loaded value: a dict of names to tensors.</param>
    /// <param name="what">The file (and the entry in it), for messages.</param>
    public static Dictionary<string, Tensor> TensorDict(object? value, string what) => value is PyDict dict
        ? dict.ToDictionary(kv => kv.Key as string ?? throw new InvalidDataException($"{what} has a non-string key {kv.Key}."),
            kv => kv.Value as Tensor ?? throw new InvalidDataException($"{what}.{kv.Key} is {PyValue.Describe(kv.Value)}, not a tensor."))
        : throw new InvalidDataException($"{what} is {PyValue.Describe(value)}, not a state dict.");

    static PyDict State(object module) => module switch
    {
        PersistentObject persistent => persistent.State,
        PyObject obj => obj.State,
        _ => throw new ArgumentException($"The module is {PyValue.Describe(module)}; a state dict comes from a PersistentObject or a PyObject of a torch module.", nameof(module)),
    };

    static IEnumerable<(string Name, object? Value)> Entries(PyDict state, string field, string prefix)
    {
        if (!state.TryGetValue(field, out var entries) || entries is not PyDict dict)
            throw new InvalidDataException($"{state.Source}: {Describe(prefix)} has no {field} dict, so it is not a torch module.");
        return dict.Select(kv => (kv.Key as string
            ?? throw new InvalidDataException($"{state.Source}: {Describe(prefix)} names an entry of {field} {PyValue.Describe(kv.Key)}, not a str."), kv.Value));
    }

    static Tensor Tensor(object value, PyDict state, string name) => value as Tensor
        ?? throw new InvalidDataException($"{state.Source}: '{name}' is {PyValue.Describe(value)}, not a tensor.");

    static string Describe(string prefix) => prefix.Length == 0 ? "the module" : $"module '{prefix.TrimEnd('.')}'";
}
