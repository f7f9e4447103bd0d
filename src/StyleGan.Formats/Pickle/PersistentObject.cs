namespace StyleGan.Formats.Pickle;

/// <summary>
/// An object that NVIDIA's <c>torch_utils.persistence</c> pickled together with the source code of its module
/// (StyleGAN2-ADA and StyleGAN3 networks): <c>_reconstruct_persistent_obj(meta)</c>. The source is kept as text and
/// never run; the state holds what the object's <c>__dict__</c> held.
/// </summary>
public sealed class PersistentObject
{
    internal PersistentObject(PyDict meta)
    {
        string type = meta.Get<string>("type");
        if (type != "class")
            throw new InvalidDataException($"{meta.Source}: a persistent object of type '{type}'; NVIDIA's persistence only writes 'class'.");
        Meta = meta;
        ClassName = meta.Get<string>("class_name");
        ModuleSource = meta.Get<string>("module_src");
        Version = meta.Get<long>("version");
        State = meta.TryGet<PyDict>("state", out var state) ? state : new PyDict(meta.Source);
    }

    /// <summary>The whole <c>meta</c> dict: type, version, module_src, class_name, state.</summary>
    public PyDict Meta { get; }

    /// <summary>The class name inside <see cref="ModuleSource"/>, e.g. "Generator" or "SynthesisLayer".</summary>
    public string ClassName { get; }

    /// <summary>The source code of the module that defined the class (text only; never executed).</summary>
    public string ModuleSource { get; }

    /// <summary>The persistence format version (6 in StyleGAN2-ADA and StyleGAN3).</summary>
    public long Version { get; }

    /// <summary>The object's attributes: <c>_parameters</c>, <c>_buffers</c>, <c>_modules</c>, <c>_init_args</c>,
    /// <c>_init_kwargs</c> and the module's own fields (<c>z_dim</c>, <c>img_resolution</c>, ...).</summary>
    public PyDict State { get; }
}
