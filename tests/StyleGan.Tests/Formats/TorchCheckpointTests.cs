using System.Numerics;
using StyleGan.Formats.Pickle;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Tests.Formats;

/// <summary>One torch.save checkpoint in PyTorch's zip format and in its legacy format: the same values from both.</summary>
public sealed class TorchCheckpointTests : IDisposable
{
    readonly PickleFixtures fixtures = new();

    public void Dispose() => fixtures.Dispose();

    static PyDict Load(string file) => Assert.IsType<PyDict>(TorchFile.Load(PickleFixtures.Path(file)));

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void StateDictTensorsKeepTheirDtypeShapeAndBits(string file)
    {
        var state = Load(file).Get<PyDict>("state");
        Assert.Equal("collections.OrderedDict", state.PythonType);
        Assert.Equal(fixtures.Order("checkpoint.state."), state.Keys.Cast<string>());
        foreach (var (name, value) in state) fixtures.AssertTensor($"checkpoint.state.{name}", value);
        Assert.Equal(ScalarType.Float16, state.Get<Tensor>("fc.bias").dtype);
        Assert.Equal(ScalarType.BFloat16, state.Get<Tensor>("bf").dtype);
        Assert.Equal(1L << 40, state.Get<Tensor>("steps")[2].item<long>());
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void ViewsOfOneStorageBecomeIndependentContiguousTensors(string file)
    {
        var root = Load(file);
        foreach (string name in new[] { "base", "transposed", "window", "scalar", "empty" }) fixtures.AssertTensor($"checkpoint.{name}", root[name]);
        var transposed = root.Get<Tensor>("transposed");
        root.Get<Tensor>("base").zero_();
        fixtures.AssertTensor("checkpoint.transposed", transposed);
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void ParametersKeepRequiresGrad(string file)
    {
        var root = Load(file);
        fixtures.AssertTensor("checkpoint.param", root["param"]);
        fixtures.AssertTensor("checkpoint.frozen", root["frozen"]);
        Assert.True(Assert.IsType<Parameter>(root["param"]).requires_grad);
        Assert.False(Assert.IsType<Parameter>(root["frozen"]).requires_grad);
        Assert.False(root.Get<PyDict>("state").Get<Tensor>("fc.weight").requires_grad);
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void ModuleStateDictKeepsItsMetadataAttribute(string file)
    {
        var linear = Load(file).Get<PyDict>("linear");
        Assert.Equal(fixtures.Order("checkpoint.linear."), linear.Keys.Cast<string>());
        foreach (var (name, value) in linear) fixtures.AssertTensor($"checkpoint.linear.{name}", value);
        var metadata = Assert.IsType<PyDict>(linear.Attributes?["_metadata"]);
        Assert.Equal(1L, metadata.Get<PyDict>("").Get<long>("version"));
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void PythonValuesComeBackAsTheirCSharpCounterparts(string file)
    {
        var root = Load(file);
        var nested = root.Get<List<object?>>("nested");
        Assert.Equal(13, nested.Count);
        Assert.Equal(new object?[] { 1L, -2L, BigInteger.Pow(2, 70), 3.25, "text", "ünï", null, true, false }, nested.Take(9));
        var pair = Assert.IsType<PyTuple>(nested[9]);
        Assert.Equal(1L, pair.Get<long>(0));
        Assert.Equal(new object[] { 2L, "x" }, pair.Get<PyTuple>(1));
        Assert.Empty(Assert.IsType<List<object?>>(nested[10]));
        Assert.Empty(Assert.IsType<PyDict>(nested[11]));
        Assert.Equal(new byte[] { 0, 255 }, nested[12]);
        Assert.Equal(ScalarType.Float16, root["dtype"]);
        Assert.Equal("cpu", root["device"]);
        Assert.Equal(new object[] { 1.5, -7L, 0.25 }, root.Get<List<object?>>("numpy"));
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void ArgparseNamespaceAndOptimizerStateAsRosinalitySavesThem(string file)
    {
        var root = Load(file);
        var args = root.Get<PyObject>("args");
        Assert.Equal("argparse.Namespace", args.FullName);
        Assert.Equal(256, args.State.Get<int>("size"));
        Assert.Equal(0.002, args.State.Get<double>("lr"));
        Assert.Equal("ffhq", args.State.Get<string>("name"));
        Assert.Equal(2L, args.State.Get<long>("channel_multiplier"));

        var optim = root.Get<PyDict>("optim");
        var slot = Assert.IsType<PyDict>(optim.Get<PyDict>("state")[0L]);
        Assert.Equal(10L, slot.Get<long>("step"));
        fixtures.AssertTensor("checkpoint.optim.exp_avg", slot["exp_avg"]);
        var group = Assert.IsType<PyDict>(Assert.Single(optim.Get<List<object?>>("param_groups")));
        Assert.Equal(new object[] { 0L, 0.99 }, group.Get<PyTuple>("betas"));
        Assert.Equal(0.99, group.Get<PyTuple>("betas").Get<double>(1));
    }

    [Theory]
    [InlineData("checkpoint-zip.pt")]
    [InlineData("checkpoint-legacy.pt")]
    public void NumpyArraysBecomeTensorsInCOrderAndNativeByteOrder(string file)
    {
        var arrays = Load(file).Get<List<object?>>("arrays").Select(a => Assert.IsType<NumpyArray>(a)).ToList();
        Assert.Equal(["i8", "f4", "i2", "f8"], arrays.Select(a => a.DTypeCode));
        for (int i = 0; i < arrays.Count; i++) fixtures.AssertTensor($"checkpoint.arrays.{i}", arrays[i].Values);
        Assert.Equal(new long[] { 8, 8 }, arrays[0].Values.data<long>().ToArray());
        Assert.Equal(new short[] { 0, 1, 2, 3, 4, 5 }, arrays[2].Values.data<short>().ToArray()); // stored in Fortran order
        Assert.Equal(new[] { 1.5, -2 }, arrays[3].Values.data<double>().ToArray()); // stored big-endian
    }
}
