using StyleGan.Formats.Pickle;
using TorchSharp.Modules;
using StyleGan.Tests.Formats;

namespace StyleGan.Tests.Serialization;

/// <summary>
/// Whole pickled networks: an NVIDIA-style network snapshot (persistent objects whose storages are legacy torch.save
/// files inside the pickle) and a torch.nn.Sequential pickled with protocol 0.
/// </summary>
public sealed class NetworkPickleTests : IDisposable
{
    readonly PickleFixtures fixtures = new();

    public void Dispose() => fixtures.Dispose();

    static PyDict Snapshot() => Assert.IsType<PyDict>(TorchFile.Load(PickleFixtures.Path("network-snapshot.pkl")));

    [Fact]
    public void SnapshotHoldsPersistentObjectsWithTheirSourceAndConstructorArguments()
    {
        var snapshot = Snapshot();
        Assert.Equal(["training_set_kwargs", "G", "G_ema", "augment_pipe"], snapshot.Keys.Cast<string>());
        Assert.Null(snapshot["augment_pipe"]);
        Assert.Equal(8, snapshot.Get<PyDict>("training_set_kwargs").Get<int>("resolution"));

        var g = snapshot.Get<PersistentObject>("G_ema");
        Assert.Equal("TinyNetwork", g.ClassName);
        Assert.Equal(6, g.Version);
        Assert.Equal(File.ReadAllText(PickleFixtures.Path("tiny_networks.py")), g.ModuleSource);
        Assert.Equal(4, g.State.Get<int>("z_dim"));
        Assert.Empty(g.State.Get<PyTuple>("_init_args"));
        var layerKwargs = g.State.Get<PyDict>("_init_kwargs").Get<PyDict>("layer_kwargs");
        Assert.Equal("dnnlib.util.EasyDict", layerKwargs.PythonType);
        Assert.Equal("lrelu", layerKwargs.Get<string>("activation"));
        Assert.NotSame(g, snapshot["G"]);
    }

    [Fact]
    public void SnapshotStateDictMatchesPyTorchsNamesOrderAndBits()
    {
        var g = Snapshot().Get<PersistentObject>("G_ema");
        var stateDict = TorchModules.StateDict(g);
        Assert.Equal(fixtures.Order("snapshot.G_ema."), stateDict.Keys);
        foreach (var (name, tensor) in stateDict) fixtures.AssertTensor($"snapshot.G_ema.{name}", tensor);
        Assert.DoesNotContain("fc0.scratch", stateDict.Keys); // a non-persistent buffer
        Assert.False(Assert.IsType<Parameter>(stateDict["fc0.weight"]).requires_grad);

        var children = g.State.Get<PyDict>("_modules");
        Assert.Equal("TinyLayer", children.Get<PersistentObject>("fc0").ClassName);
        Assert.Equal("torch.nn.modules.linear.Linear", children.Get<PyObject>("head").FullName);
        Assert.Null(children["unused"]);
    }

    [Fact]
    public void ProtocolZeroSequentialLoadsAsModulesWithItsStateDict()
    {
        var sequential = Assert.IsType<PyObject>(TorchFile.Load(PickleFixtures.Path("sequential-p0.pkl")));
        Assert.Equal("torch.nn.modules.container.Sequential", sequential.FullName);
        var stateDict = TorchModules.StateDict(sequential);
        Assert.Equal(fixtures.Order("sequential."), stateDict.Keys);
        foreach (var (name, tensor) in stateDict) fixtures.AssertTensor($"sequential.{name}", tensor);
        var activation = sequential.State.Get<PyDict>("_modules").Get<PyObject>("1");
        Assert.Equal(0.2, activation.State.Get<double>("negative_slope"));
    }

    [Fact]
    public void StateDictOfSomethingElseSaysWhatItIs()
    {
        var error = Assert.Throws<ArgumentException>(() => TorchModules.StateDict(Snapshot()));
        Assert.StartsWith("The module is a dict; a state dict comes from a PersistentObject or a PyObject", error.Message);
        var checkpoint = Assert.IsType<PyDict>(TorchFile.Load(PickleFixtures.Path("checkpoint-zip.pt")));
        var notModule = Assert.Throws<InvalidDataException>(() => TorchModules.StateDict(checkpoint.Get<PyObject>("args")));
        Assert.Equal($"{PickleFixtures.Path("checkpoint-zip.pt")}: the module has no _parameters dict, so it is not a torch module.", notModule.Message);
    }

    [Fact]
    public void ModuleThatContainsItselfIsRefusedInsteadOfLoopingForever()
    {
        var pickle = new PickleBuilder()
            .Global("torch.nn.modules.linear", "Linear").Op(')').Op(0x81).Op((byte)'q', 0)
            .Op('}').Op('(')
            .Str("_parameters").Op('}').Str("_buffers").Op('}')
            .Str("_modules").Op('}').Op('(').Str("self").Op((byte)'h', 0).Op('u')
            .Op('u').Op('b').Stop();
        var module = TorchFile.Load(pickle, "loop.pkl")!;
        var error = Assert.Throws<InvalidDataException>(() => TorchModules.StateDict(module));
        Assert.Equal("loop.pkl: module 'self' contains itself, so it has no state dict.", error.Message);
    }

    [Fact]
    public void ModuleSharedUnderTwoNamesAppearsUnderBoth()
    {
        var pickle = new PickleBuilder()
            .Global("torch.nn.modules.container", "Sequential").Op(')').Op(0x81)
            .Op('}').Op('(').Str("_parameters").Op('}').Str("_buffers").Op('}').Str("_modules").Op('}').Op('(')
            .Str("a").Global("torch.nn.modules.linear", "Linear").Op(')').Op(0x81).Op((byte)'q', 1)
            .Op('}').Op('(').Str("_parameters").Op('}').Str("bias").Tensor("FloatStorage", "0", 1, [1], [1]).Op('s')
            .Str("_buffers").Op('}').Str("_modules").Op('}').Op('u').Op('b')
            .Str("b").Op((byte)'h', 1).Op('u').Op('u').Op('b').Stop();
        var sequential = TorchFile.Load(PickleBuilder.LegacyFile(pickle, ("0", 1, PickleBuilder.Floats(0.5f))), "shared.pt")!;
        var stateDict = TorchModules.StateDict(sequential);
        Assert.Equal(["a.bias", "b.bias"], stateDict.Keys);
        Assert.Same(stateDict["a.bias"], stateDict["b.bias"]);
    }
}
