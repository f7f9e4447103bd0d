namespace StyleGan.Formats.Pickle;

/// <summary>
/// The allow-list: every module-level name a pickle may refer to, each mapped to a C# handler or value. A name not
/// on it stops the load, which is what makes reading a pickle safe: a pickle can only run code through such names.
/// </summary>
internal static class AllowedGlobals
{
    /// <summary>Python 2's names of modules that Python 3 renamed, as pickles of protocols 0-2 spell them.</summary>
    static readonly Dictionary<string, string> RenamedModules = new() { ["__builtin__"] = "builtins", ["copy_reg"] = "copyreg" };

    /// <summary>torch.nn's own module classes (Linear, Conv2d, Sequential, ...) pickled whole: state only, no code.</summary>
    const string TorchModulesPrefix = "torch.nn.modules.";

    static readonly Dictionary<string, object> Names = Build();

    static Dictionary<string, object> Build()
    {
        var names = new Dictionary<string, object>();
        PythonBuiltins.Register(names);
        TorchGlobals.Register(names);
        NumpyGlobals.Register(names);
        names["torch_utils.persistence._reconstruct_persistent_obj"] = new PickleGlobal("torch_utils.persistence", "_reconstruct_persistent_obj", (args, context) =>
        {
            context.CheckArity(args, "torch_utils.persistence._reconstruct_persistent_obj", 1);
            return new PersistentObject(context.Arg<PyDict>(args, 0, "torch_utils.persistence._reconstruct_persistent_obj"));
        });
        // NVIDIA's TensorFlow-era networks: StyleGAN's and StyleGAN2's dnnlib.tflib.network.Network, Progressive GAN's
        // tfutil.Network. Their state is data (kwargs, variables as NumPy arrays, the source as text).
        foreach (var (module, name) in new[] { ("dnnlib.tflib.network", "Network"), ("tfutil", "Network") })
            names[$"{module}.{name}"] = new PickleGlobal(module, name, PythonBuiltins.ObjectClass(module, name));
        return names;
    }

    /// <summary>The handler or value of <paramref name="module"/>.<paramref name="name"/>, or a refusal naming it.</summary>
    public static object Resolve(string module, string name, LoadContext context)
    {
        module = RenamedModules.GetValueOrDefault(module, module);
        if (Names.TryGetValue($"{module}.{name}", out var value)) return value;
        if (module.StartsWith(TorchModulesPrefix, StringComparison.Ordinal) && IsIdentifier(name))
            return new PickleGlobal(module, name, PythonBuiltins.ObjectClass(module, name));
        string shown = $"{module}.{name}";
        if (shown.Length > 100 || shown.Any(char.IsControl)) shown = string.Concat(shown.Take(100).Select(c => char.IsControl(c) ? '?' : c)) + "...";
        throw context.Refuse($"the pickle calls {shown}, which is not a data type of PyTorch or StyleGAN checkpoints; this reader never runs code from a file");
    }

    static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
