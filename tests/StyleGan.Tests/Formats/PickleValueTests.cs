using System.Numerics;
using StyleGan.Formats.Pickle;

namespace StyleGan.Tests.Formats;

/// <summary>Plain Python values through every pickle protocol and every opcode that writes them.</summary>
public sealed class PickleValueTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void EveryProtocolGivesTheSameValues(int protocol)
    {
        var values = Assert.IsType<PyDict>(TorchFile.Load(PickleFixtures.Path($"values-p{protocol}.pkl")));
        Assert.Equal("collections.OrderedDict", values.PythonType);
        Assert.Equal(
            new object[] { 0L, 1L, -1L, 255L, 256L, 65535L, 65536L, (long)int.MinValue, (long)int.MaxValue, 1L << 31, long.MaxValue, long.MinValue, BigInteger.Pow(2, 64), -BigInteger.Pow(2, 100) },
            values.Get<List<object?>>("ints"));
        Assert.Equal(new object[] { 0.0, -1.5, 1e300, double.PositiveInfinity }, values.Get<List<object?>>("floats"));
        Assert.Equal(new object[] { "", "a", "ünïcode ✓", "line\nbreak", "quote's \"both\" \\" }, values.Get<List<object?>>("strings"));
        Assert.Equal(new object[] { Array.Empty<byte>(), new byte[] { 0, 1, 0xfe }, "ab"u8.ToArray() }, values.Get<List<object?>>("raw"));
        Assert.Equal(new object?[] { true, false, null }, values.Get<PyTuple>("flags"));

        var sets = values.Get<List<object?>>("sets");
        Assert.True(Assert.IsType<HashSet<object>>(sets[0]).SetEquals([1L, 2L]));
        Assert.True(Assert.IsType<HashSet<object>>(sets[1]).SetEquals(["x"]));
        Assert.Equal([0, 1, 2, 3, 4], values.Get<List<object?>>("tuples").Select(t => Assert.IsType<PyTuple>(t).Count));
        var shared = values.Get<List<object?>>("shared");
        Assert.Same(shared[0], shared[1]);
        Assert.Equal(new object[] { 5L, 6L }, Assert.IsType<List<object?>>(shared[0]));

        var keys = values.Get<PyDict>("keys");
        Assert.Equal("one", keys[1L]);
        Assert.Equal("one", keys[true]); // Python: True == 1, so they are one key
        Assert.Equal(2L, keys["two"]);
        var tupleKey = Assert.Single(keys.Keys.OfType<PyTuple>());
        Assert.Equal(new object[] { 3L, "x" }, tupleKey);
        Assert.Equal("tuple", keys[tupleKey]);
    }

    public static TheoryData<string, byte[], object?> Opcodes => new()
    {
        { "STRING with escapes", new PickleBuilder(0).Text("S'a\\x41\\n\\'\\101'\n").Stop(), "aA\n'A" },
        { "BINSTRING", new PickleBuilder().Op('T').Op(PickleBuilder.LittleEndian32(2)).Text("hi").Stop(), "hi" },
        { "SHORT_BINSTRING of Latin-1", new PickleBuilder().Op((byte)'U', 1, 0xe9).Stop(), "é" },
        { "UNICODE with escapes", new PickleBuilder(0).Text("Vx\\u00e9\\U0001f600\\\\u\n").Stop(), "xé😀\\\\u" },
        { "BINUNICODE8", new PickleBuilder(4).Op(0x8d, 2, 0, 0, 0, 0, 0, 0, 0).Text("ok").Stop(), "ok" },
        { "BINBYTES8", new PickleBuilder(4).Op(0x8e, 1, 0, 0, 0, 0, 0, 0, 0, 7).Stop(), new byte[] { 7 } },
        { "BYTEARRAY8", new PickleBuilder(5).Op(0x96, 1, 0, 0, 0, 0, 0, 0, 0, 9).Stop(), new byte[] { 9 } },
        { "LONG4", new PickleBuilder().Op(0x8b).Op(PickleBuilder.LittleEndian32(2)).Op(0xff, 0x7f).Stop(), 32767L },
        { "LONG1 negative", new PickleBuilder().Op(0x8a, 1, 0x80).Stop(), -128L },
        { "INT 01 is True", new PickleBuilder(0).Text("I01\n").Stop(), true },
        { "INT", new PickleBuilder(0).Text("I-42\n").Stop(), -42L },
        { "LONG", new PickleBuilder(0).Text("L123456789012345678901234567890L\n").Stop(), BigInteger.Parse("123456789012345678901234567890") },
        { "FLOAT", new PickleBuilder(0).Text("F-2.5e-3\n").Stop(), -2.5e-3 },
        { "FLOAT nan", new PickleBuilder(0).Text("Fnan\n").Stop(), double.NaN },
        { "BINFLOAT", new PickleBuilder().Op((byte)'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0).Stop(), 1.5 },
        { "BININT2", new PickleBuilder().Op((byte)'M', 0x34, 0x12).Stop(), 0x1234L },
        { "DUP then TUPLE2", new PickleBuilder().Op((byte)'K', 3).Op('2').Op(0x86).Stop(), new object[] { 3L, 3L } },
        { "POP", new PickleBuilder().Op((byte)'K', 1).Op((byte)'K', 2).Op('0').Stop(), 1L },
        { "POP_MARK", new PickleBuilder().Op((byte)'K', 1).Op('(').Op((byte)'K', 2).Op((byte)'K', 3).Op('1').Stop(), 1L },
        { "LIST and APPEND", new PickleBuilder().Op('(').Op((byte)'K', 1).Op('l').Op((byte)'K', 2).Op('a').Stop(), new object[] { 1L, 2L } },
        { "PUT and GET in text", new PickleBuilder(0).Text("I7\np12\n0g12\n").Stop(), 7L },
        { "LONG_BINPUT and LONG_BINGET", new PickleBuilder().Op((byte)'K', 5).Op((byte)'r', 0, 0, 1, 0).Op('0').Op((byte)'j', 0, 0, 1, 0).Stop(), 5L },
        { "FRAME and MEMOIZE", new PickleBuilder(4).Op(0x95, 4, 0, 0, 0, 0, 0, 0, 0).Op((byte)'K', 8).Op(0x94).Op((byte)'h', 0).Stop(), 8L },
        { "EMPTY_SET and ADDITEMS", new PickleBuilder(4).Op(0x8f).Op('(').Op((byte)'K', 1).Op((byte)'K', 1).Op(0x90).Stop(), new object[] { 1L } },
    };

    [Theory]
    [MemberData(nameof(Opcodes))]
    public void OpcodeReadsAsPythonDoes(string what, byte[] pickle, object? expected)
    {
        var value = TorchFile.Load(pickle, what);
        switch (expected)
        {
            case object[] items when value is HashSet<object> set:
                Assert.True(set.SetEquals(items));
                break;
            case object[] items:
                Assert.Equal(items, Assert.IsAssignableFrom<IEnumerable<object?>>(value));
                break;
            default:
                Assert.Equal(expected, value);
                break;
        }
    }

    [Fact]
    public void DictOpcodeKeepsItemsInOrder()
    {
        var dict = Assert.IsType<PyDict>(TorchFile.Load(new PickleBuilder().Op('(').Str("b").Op((byte)'K', 1).Str("a").Op((byte)'K', 2).Op('d').Stop(), "dict"));
        Assert.Equal(["b", "a"], dict.Keys.Cast<string>());
        Assert.Equal(2L, dict["a"]);
    }

    [Fact]
    public void DictGetSaysWhatIsMissingOrWrong()
    {
        var dict = Assert.IsType<PyDict>(TorchFile.Load(new PickleBuilder().Op('}').Str("G").Op((byte)'K', 1).Op('s').Stop(), "net.pkl"));
        var missing = Assert.Throws<InvalidDataException>(() => dict.Get<PyDict>("G_ema"));
        Assert.Equal("net.pkl: the dict has no key 'G_ema' (its keys: G).", missing.Message);
        var wrong = Assert.Throws<InvalidDataException>(() => dict.Get<string>("G"));
        Assert.Equal("net.pkl: 'G' is an int (1), not a str.", wrong.Message);
        Assert.False(dict.TryGet<long>("D", out _));
        Assert.Equal(1.0, dict.Get<double>("G"));
    }

    [Fact]
    public void TupleGetSaysWhatIsWrong()
    {
        var tuple = Assert.IsType<PyTuple>(TorchFile.Load(new PickleBuilder().Str("x").Op(0x85).Stop(), "t.pkl"));
        Assert.Equal("x", tuple.Get<string>(0));
        Assert.Contains("is a str ('x'), not an int", Assert.Throws<InvalidDataException>(() => tuple.Get<long>(0)).Message);
        Assert.Contains("no item 1", Assert.Throws<InvalidDataException>(() => tuple.Get<long>(1)).Message);
    }

    [Fact]
    public void PythonTwoStringsThatAreNotUtf8ReadAsLatin1() =>
        Assert.Equal("\u00ff\u00fe", TorchFile.Load(new PickleBuilder().Op((byte)'U', 2, 0xff, 0xfe).Stop(), "py2"));

    [Fact]
    public void InvalidUtf8InAUnicodeStringIsAnError()
    {
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(new PickleBuilder().Op(0x8c, 1, 0xff).Stop(), "bad.pkl"));
        Assert.Equal("bad.pkl: not a valid pickle or PyTorch file: SHORT_BINUNICODE at offset 2 holds text that is not UTF-8.", error.Message);
    }

    [Fact]
    public void LongTextBeyondPythonsDigitLimitIsRefused()
    {
        var pickle = new PickleBuilder(0).Text("L" + new string('9', 5000) + "L\n").Stop();
        Assert.Contains("more than Python's limit of 4300", Assert.Throws<InvalidDataException>(() => TorchFile.Load(pickle, "digits")).Message);
    }
}
