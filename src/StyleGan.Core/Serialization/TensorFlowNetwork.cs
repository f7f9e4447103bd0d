using StyleGan.Formats.Pickle;
using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>
/// One network of NVIDIA's TensorFlow code as its pickle holds it: the state that <c>Network.__getstate__</c> writes
/// (StyleGAN's and StyleGAN2's <c>dnnlib.tflib.network.Network</c>, Progressive GAN's <c>tfutil.Network</c>). The
/// network's Python source comes with it as text and is never run; the variables are NumPy arrays.
/// </summary>
internal sealed class TensorFlowNetwork
{
    TensorFlowNetwork(string name, string buildFunction, long version, PyDict staticKwargs,
        IReadOnlyDictionary<string, TensorFlowNetwork> components, IReadOnlyDictionary<string, Tensor> variables)
    {
        Name = name;
        BuildFunction = buildFunction;
        Version = version;
        StaticKwargs = staticKwargs;
        Components = components;
        Variables = variables;
    }

    /// <summary>The network's name in its training run: "G", "D", "Gs", "G_mapping", ...</summary>
    public string Name { get; }

    /// <summary>The function that builds its graph: "G_style", "G_paper", "G_main", "D_basic", ...</summary>
    public string BuildFunction { get; }

    /// <summary>The pickle format's version: 2 (Progressive GAN; StyleGAN's first files), 3 (StyleGAN), 4 (StyleGAN2).</summary>
    public long Version { get; }

    /// <summary>The keyword arguments the network was built with (those not given take the build function's defaults).</summary>
    public PyDict StaticKwargs { get; }

    /// <summary>Sub-networks by name: StyleGAN's and StyleGAN2's "mapping" and "synthesis".</summary>
    public IReadOnlyDictionary<string, TensorFlowNetwork> Components { get; }

    /// <summary>
    /// Every variable of the network and of its components, as float32 tensors, under the names NVIDIA's
    /// <c>legacy.py</c> gives them: the network's own ("dlatent_avg", "4x4/Conv/weight"), a component's prefixed by
    /// the component's name ("mapping/Dense0/weight").
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Variables { get; }

    /// <summary>Whether a loaded pickle value is such a network.</summary>
    public static bool Is(object? value) => value is PyObject { FullName: "dnnlib.tflib.network.Network" or "tfutil.Network" };

    /// <param name="value">The loaded value.</param>
    /// <param name="what">The file and the entry in it, for messages.</param>
    public static TensorFlowNetwork Read(object? value, string what)
    {
        if (!Is(value))
            throw new InvalidDataException($"{what} is {PyValue.Describe(value)}, not a network of NVIDIA's TensorFlow code (dnnlib.tflib.network.Network or tfutil.Network).");
        var state = ((PyObject)value!).State;
        long version = state.Get<long>("version");
        if (version is < 2 or > 4)
            throw new InvalidDataException($"{what} is a TensorFlow network pickle of version {version}; this reader knows versions 2 to 4 (Progressive GAN, StyleGAN, StyleGAN2).");
        var components = new Dictionary<string, TensorFlowNetwork>();
        if (state.TryGet<PyDict>("components", out var componentDict))
            foreach (var (key, component) in componentDict)
                components[key as string ?? throw new InvalidDataException($"{what} names a component {PyValue.Describe(key)}, not a str.")] =
                    Read(component, $"{what}/{key}");
        var variables = new Dictionary<string, Tensor>();
        foreach (var entry in state.Get<List<object?>>("variables"))
        {
            if (entry is not PyTuple { Count: 2 } pair || pair[0] is not string name)
                throw new InvalidDataException($"{what}: a variable is {PyValue.Describe(entry)}, not a (name, value) pair.");
            variables[name] = pair[1] switch
            {
                NumpyArray array => array.Values.to(float32),
                double scalar => tensor((float)scalar),
                var other => throw new InvalidDataException($"{what}: the variable '{name}' is {PyValue.Describe(other)}, not a NumPy array."),
            };
        }
        foreach (var (componentName, component) in components)
            foreach (var (name, variable) in component.Variables)
                variables[$"{componentName}/{name}"] = variable;
        return new TensorFlowNetwork(state.Get<string>("name"), state.Get<string>("build_func_name"), version,
            state.TryGet<PyDict>("static_kwargs", out var kwargs) ? kwargs : new PyDict(state.Source), components, variables);
    }

    /// <summary>A variable that must be there.</summary>
    public Tensor Variable(string name, string what) => Variables.TryGetValue(name, out var value) ? value
        : throw new InvalidDataException($"{what} has no variable '{name}' (its variables: {string.Join(", ", Variables.Keys.Take(12))}{(Variables.Count > 12 ? ", ..." : "")}).");

    /// <summary>Refuses a component whose build function is not <paramref name="expected"/>.</summary>
    public TensorFlowNetwork Component(string name, string expected, string what)
    {
        if (!Components.TryGetValue(name, out var component))
            throw new InvalidDataException($"{what} ({BuildFunction}) has no '{name}' component.");
        if (component.BuildFunction != expected)
            throw new InvalidDataException($"{what}: its {name} network is built by {component.BuildFunction}, which this implementation does not build (it builds {expected}).");
        return component;
    }

    /// <summary>The variables as our tensors: <paramref name="target"/> names each one's counterpart (null: dropped) or throws.</summary>
    /// <param name="what">The file and network, for messages.</param>
    /// <param name="target">Our name and value of a TF variable.</param>
    public Dictionary<string, Tensor> Rename(string what, Func<string, VariableTarget?> target)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, value) in Variables)
        {
            VariableTarget? rule;
            try { rule = target(name); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{what}: {e.Message}", e); }
            if (rule is null) continue;
            if (tensors.ContainsKey(rule.Name)) throw new InvalidDataException($"{what}: two variables give our '{rule.Name}' (the second: '{name}').");
            tensors[rule.Name] = rule.Convert(value);
        }
        return tensors;
    }
}
