using StyleGan.Formats.Pickle;

namespace StyleGan.Tests.Formats;

/// <summary>
/// What a hostile or broken file gets: a refusal naming the file and the reason, before anything runs or any large
/// allocation happens, and never an IndexOutOfRange.
/// </summary>
public sealed class PickleSafetyTests
{
    const string Refusal = "refused to load: the pickle calls {0}, which is not a data type of PyTorch or StyleGAN checkpoints; this reader never runs code from a file.";

    static InvalidDataException Refused(byte[] bytes, string source = "evil.pkl")
    {
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(bytes, source));
        Assert.StartsWith($"{source}: ", error.Message);
        return error;
    }

    [Fact]
    public void GlobalOsSystemIsRefusedBeforeItsArgumentsAreRead()
    {
        var pickle = new PickleBuilder().Global("os", "system").Str("touch /tmp/pwned").Op(0x85).Op('R').Stop();
        Assert.Equal("evil.pkl: " + string.Format(Refusal, "os.system"), Refused(pickle).Message);
    }

    [Fact]
    public void StackGlobalOsSystemIsRefused()
    {
        var pickle = new PickleBuilder(4).Op(0x8c, 2).Text("os").Op(0x94).Op(0x8c, 6).Text("system").Op(0x94).Op(0x93)
            .Op(0x8c, 2).Text("ls").Op(0x85).Op('R').Stop();
        Assert.Equal("evil.pkl: " + string.Format(Refusal, "os.system"), Refused(pickle).Message);
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("__builtin__", "eval")]
    [InlineData("builtins", "getattr")]
    [InlineData("subprocess", "Popen")]
    [InlineData("posix", "system")]
    [InlineData("torch", "load")]
    [InlineData("torch._utils", "_rebuild_qtensor")]
    [InlineData("numpy", "load")]
    [InlineData("torch.nn.modules.linear", "os.system")]
    public void NamesOffTheAllowListAreRefused(string module, string name)
    {
        var pickle = new PickleBuilder().Global(module, name).Str("1+1").Op(0x85).Op('R').Stop();
        string shown = (module == "__builtin__" ? "builtins" : module) + "." + name;
        Assert.Equal("evil.pkl: " + string.Format(Refusal, shown), Refused(pickle).Message);
    }

    [Theory]
    [InlineData(0x8e, "BINBYTES8")]
    [InlineData(0x8d, "BINUNICODE8")]
    [InlineData(0x96, "BYTEARRAY8")]
    [InlineData(0x95, "FRAME")]
    public void EightByteLengthOfATerabyteIsRefusedWithoutAllocating(byte opcode, string name)
    {
        var pickle = new PickleBuilder(4).Op(opcode).Op(BitConverter.GetBytes(1L << 40)).Text("abc").Stop();
        Assert.Equal($"evil.pkl: not a valid pickle or PyTorch file: {name} at offset 2 needs 1099511627776 bytes but only 4 remain (truncated or corrupt).",
            Refused(pickle).Message);
    }

    [Theory]
    [InlineData(0x8b, "LONG4")]
    [InlineData((byte)'T', "BINSTRING")]
    [InlineData((byte)'X', "BINUNICODE")]
    [InlineData((byte)'B', "BINBYTES")]
    public void FourByteLengthBeyondTheFileIsRefused(byte opcode, string name)
    {
        var pickle = new PickleBuilder().Op(opcode).Op(0xff, 0xff, 0xff, 0x7f).Stop();
        Assert.Contains($"{name} at offset 2 needs 2147483647 bytes but only 1 remain", Refused(pickle).Message);
    }

    [Fact]
    public void LegacyStorageLargerThanTheFileIsRefusedBeforeAllocating()
    {
        var pickle = new PickleBuilder().Tensor("FloatStorage", "0", 1L << 40, [1L << 40], [1]).Stop();
        var file = PickleBuilder.LegacyFile(pickle, ("0", 1L << 40, PickleBuilder.Floats(1, 2)));
        var error = Refused(file, "huge.pt");
        Assert.Equal($"huge.pt: refused to load: storage '0' declares 1099511627776 Float32 elements (4398046511104 bytes), more than the whole file's {file.Length} bytes can hold.", error.Message);
    }

    [Fact]
    public void LegacyStorageWithLessDataThanDeclaredIsTruncated()
    {
        var pickle = new PickleBuilder().Tensor("FloatStorage", "0", 4, [4], [1]).Stop();
        var file = PickleBuilder.LegacyFile(pickle, ("0", 4, PickleBuilder.Floats(1, 2)));
        Assert.Contains("storage '0' needs 16 bytes but only 8 remain (truncated)", Refused(file, "short.pt").Message);
        var wrongCount = PickleBuilder.LegacyFile(pickle, ("0", 2, PickleBuilder.Floats(1, 2)));
        Assert.Contains("storage '0' has 2 elements in the data but 4 in the pickle", Refused(wrongCount, "short.pt").Message);
    }

    [Fact]
    public void ZeroStridesCannotBlowASmallStorageUpIntoTerabytes()
    {
        var pickle = new PickleBuilder().Tensor("FloatStorage", "0", 1, [1L << 20, 1L << 20], [0, 0]).Stop();
        var file = PickleBuilder.LegacyFile(pickle, ("0", 1, PickleBuilder.Floats(1)));
        Assert.Contains("refused to load: its tensors would take more than 4 times the file's", Refused(file, "expand.pt").Message);
    }

    [Fact]
    public void ViewReachingPastItsStorageIsRefused()
    {
        var pickle = new PickleBuilder().Tensor("FloatStorage", "0", 2, [2, 2], [2, 1]).Stop();
        var file = PickleBuilder.LegacyFile(pickle, ("0", 2, PickleBuilder.Floats(1, 2)));
        Assert.Contains("a tensor with size [2, 2], stride [2, 1] and offset 0 reaches past the end of storage '0' (2 elements)", Refused(file, "past.pt").Message);
    }

    [Theory]
    [InlineData("values-p0.pkl", 1)]
    [InlineData("values-p2.pkl", 1)]
    [InlineData("values-p4.pkl", 1)]
    [InlineData("sequential-p0.pkl", 7)]
    [InlineData("network-snapshot.pkl", 13)]
    [InlineData("checkpoint-legacy.pt", 3)]
    [InlineData("checkpoint-zip.pt", 17)]
    public void EveryTruncationIsReportedAsTruncatedNamingTheFile(string file, int step)
    {
        var bytes = File.ReadAllBytes(PickleFixtures.Path(file));
        for (int length = 0; length < bytes.Length; length += step)
        {
            var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(bytes[..length], file));
            Assert.StartsWith($"{file}: ", error.Message);
            Assert.True(error.Message.Contains("truncated") || length == 0, $"cut at {length}: {error.Message}");
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, 0xff }, "unknown opcode 0xff at offset 2")]
    [InlineData(new byte[] { 0x80, 6, 0x2e }, "pickle protocol 6 is newer than this reader knows (5)")]
    [InlineData(new byte[] { 0x80, 2, (byte)'i', (byte)'o', (byte)'s', 10 }, "opcode INST (0x69) at offset 2 is not supported")]
    [InlineData(new byte[] { 0x80, 2, 0x82, 1 }, "opcode EXT1 (0x82) at offset 2 is not supported")]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 3, 0x2e }, "BINGET at offset 2 recalls memo entry 3, which was never stored")]
    [InlineData(new byte[] { 0x80, 2, 0x2e }, "STOP at offset 2 needs a value but the stack is empty")]
    [InlineData(new byte[] { 0x80, 2, (byte)'t', 0x2e }, "TUPLE at offset 2 has no MARK before it")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'K', 1, (byte)'a', 0x2e }, "APPEND at offset 5 appends to None, not a list")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'R', 0x2e }, "REDUCE at offset 4 needs an argument tuple")]
    [InlineData(new byte[] { 0x80, 2, (byte)')', (byte)'N', (byte)'s', 0x2e }, "SETITEM at offset 4 needs a value but the stack is empty")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 3, 0, 0, 0, 1, 2 }, "BINUNICODE at offset 2 needs 3 bytes but only 2 remain")]
    [InlineData(new byte[] { 0x80, 2, (byte)'P', (byte)'1', 10, 0x2e }, "the pickle refers to a persistent object (a str ('1')) at offset 2")]
    public void BrokenPicklesSayWhatAndWhere(byte[] pickle, string why)
    {
        var error = Refused(pickle, "broken.pkl");
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void UnhashableAndDeeplyNestedKeysAreRefused()
    {
        var listKey = new PickleBuilder().Op('}').Op(']').Op((byte)'K', 1).Op('s').Stop();
        Assert.Contains("a list of 0 cannot be a dict key or set member (unhashable)", Refused(listKey).Message);

        var deep = new PickleBuilder().Op('}').Op((byte)'K', 1);
        for (int i = 0; i < 200; i++) deep.Op(0x85);
        Assert.Contains("a tuple key nested more than 100 levels deep", Refused(deep.Op((byte)'K', 1).Op('s').Stop()).Message);
    }

    [Fact]
    public void StoragesPickledInsideStoragesAreLimitedInDepth()
    {
        byte[] file = new PickleBuilder().Op((byte)'K', 1).Stop();
        for (int i = 0; i < 6; i++)
        {
            var outer = new PickleBuilder().Global("torch.storage", "_load_from_bytes").Op('B').Op(PickleBuilder.LittleEndian32(file.Length)).Op(file).Op(0x85).Op('R');
            file = outer.Stop();
        }
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(file, "nested.pkl"));
        Assert.Equal("nested.pkl (a storage pickled inside it): refused to load: storages are pickled inside storages more than 4 levels deep.", error.Message);
    }

    [Fact]
    public void EmptyFileAndMissingFileAreClearErrors()
    {
        Assert.Equal("empty.pt: not a valid pickle or PyTorch file: the file is empty.", Refused([], "empty.pt").Message);
        string absent = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid()}.pt");
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(absent));
        Assert.StartsWith($"{absent}: cannot read the file", error.Message);
    }
}
