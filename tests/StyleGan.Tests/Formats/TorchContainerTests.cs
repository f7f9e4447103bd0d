using System.Text;
using StyleGan.Formats.Pickle;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Tests.Formats;

/// <summary>Details of PyTorch's two containers, on files written here byte by byte.</summary>
public sealed class TorchContainerTests
{
    static readonly byte[] TwoByTwo = new PickleBuilder().Tensor("FloatStorage", "0", 4, [2, 2], [1, 2]).Stop();

    [Fact]
    public void ZipArchiveFolderMayHaveAnyName()
    {
        var zip = PickleBuilder.ZipFile(("my model.v2/data.pkl", TwoByTwo), ("my model.v2/data/0", PickleBuilder.Floats(1, 2, 3, 4)),
            ("my model.v2/byteorder", "little"u8.ToArray()));
        var tensor = Assert.IsAssignableFrom<Tensor>(TorchFile.Load(zip, "any.pt"));
        Assert.Equal(new float[] { 1, 3, 2, 4 }, tensor.data<float>().ToArray()); // column-major strides, made contiguous
    }

    [Fact]
    public void BigEndianZipIsRefused()
    {
        var zip = PickleBuilder.ZipFile(("a/data.pkl", TwoByTwo), ("a/data/0", PickleBuilder.Floats(1, 2, 3, 4)), ("a/byteorder", "big"u8.ToArray()));
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(zip, "be.pt"));
        Assert.Equal("be.pt: refused to load: the file was saved on a big-endian machine; this reader reads little-endian data only.", error.Message);
    }

    [Fact]
    public void ZipStorageOfTheWrongSizeOrMissingIsAnError()
    {
        var shortData = PickleBuilder.ZipFile(("a/data.pkl", TwoByTwo), ("a/data/0", PickleBuilder.Floats(1, 2, 3)));
        Assert.Contains("storage '0' holds 12 bytes where its 4 Float32 elements need 16",
            Assert.Throws<InvalidDataException>(() => TorchFile.Load(shortData, "z.pt")).Message);
        var missing = PickleBuilder.ZipFile(("a/data.pkl", TwoByTwo));
        Assert.Contains("the pickle refers to storage '0' but the archive has no a/data/0",
            Assert.Throws<InvalidDataException>(() => TorchFile.Load(missing, "z.pt")).Message);
        var notTorch = PickleBuilder.ZipFile(("data.pkl", TwoByTwo));
        Assert.Contains("without <archive>/data.pkl", Assert.Throws<InvalidDataException>(() => TorchFile.Load(notTorch, "z.pt")).Message);
    }

    [Fact]
    public void TensorPickledAsASubclassRebuildsThroughRebuildFromType()
    {
        var pickle = new PickleBuilder().Global("torch._tensor", "_rebuild_from_type_v2").Op('(')
            .Global("torch._utils", "_rebuild_tensor_v2").Global("torch.nn.parameter", "Parameter")
            .Op('(').Op('(').Str("storage").Global("torch", "HalfStorage").Str("7").Str("cuda:0").Int(2).Op('t').Op('Q')
            .Int(1).Tuple(1).Tuple(1).Op(0x88).Global("collections", "OrderedDict").Op(')').Op('R').Op('t')
            .Op('}').Op('t').Op('R').Stop();
        var file = PickleBuilder.LegacyFile(pickle, ("7", 2, BitConverter.GetBytes((Half)0.5f).Concat(BitConverter.GetBytes((Half)(-2f))).ToArray()));
        var parameter = Assert.IsType<Parameter>(TorchFile.Load(file, "p.pt"));
        Assert.Equal(ScalarType.Float16, parameter.dtype);
        Assert.True(parameter.requires_grad);
        Assert.Equal(-2f, parameter.to_type(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void LegacyWholeModuleClassComesThroughItsPersistentId()
    {
        var pickle = new PickleBuilder()
            .Op('(').Str("module").Global("torch.nn.modules.linear", "Linear").Str("linear.py").Str("class Linear: ...").Op('t').Op('Q')
            .Op(')').Op(0x81).Op('}').Str("in_features").Int(3).Op('s').Op('b').Stop();
        var linear = Assert.IsType<PyObject>(TorchFile.Load(PickleBuilder.LegacyFile(pickle), "whole.pt"));
        Assert.Equal("torch.nn.modules.linear.Linear", linear.FullName);
        Assert.Equal(3L, linear.State["in_features"]);
    }

    [Fact]
    public void LegacyBigEndianFileIsRefused()
    {
        var file = PickleBuilder.LegacyFile(new PickleBuilder().Op('N').Stop());
        int flag = Encoding.Latin1.GetString(file).IndexOf("little_endian", StringComparison.Ordinal) + "little_endian".Length;
        Assert.Equal(0x88, file[flag]);
        file[flag] = 0x89;
        Assert.Contains("refused to load: the file was saved on a big-endian machine", Assert.Throws<InvalidDataException>(() => TorchFile.Load(file, "be.pt")).Message);
    }

    [Fact]
    public void StorageWithoutDataInALegacyFileIsAnError()
    {
        var file = PickleBuilder.LegacyFile(TwoByTwo);
        Assert.Contains("storage '0' has no data in the file", Assert.Throws<InvalidDataException>(() => TorchFile.Load(file, "nodata.pt")).Message);
    }
}
