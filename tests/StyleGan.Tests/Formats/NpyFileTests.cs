using System.IO.Compression;
using System.Text;
using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Tests.Formats;

/// <summary>.npy and .npz against files NumPy wrote (tests/fixtures/npy, made by make_fixtures.py there).</summary>
public sealed class NpyFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("stylegan-npy-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Fixture(string name) => Path.Combine(ReferenceData.Fixture("npy"), name);

    // The arrays of make_fixtures.py, by the same float64 operations and the same cast.
    static Tensor W() => (arange(160, dtype: float64).reshape(1, 10, 16) * 0.01 - 0.8).to(float32);
    static Tensor F32() => (arange(6, dtype: float64).reshape(2, 3) / 7 - 0.25).to(float32);
    static readonly double[] F64 = [Math.PI, -Math.E, 1e300, 5e-324, -0.0];

    static void AssertBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.contiguous().bytes.ToArray(), actual.contiguous().bytes.ToArray());
    }

    [Fact]
    public void ArraysNumPySavedLoadWithTheirDtypeShapeAndBits()
    {
        AssertBits(F32(), NpyFile.Load(Fixture("f32.npy")));
        AssertBits(tensor(F64), NpyFile.Load(Fixture("f64.npy"))); // -0.0 and the smallest subnormal included
        AssertBits(tensor(new[] { 0.5f, -2f, 65504f }).to(float16), NpyFile.Load(Fixture("f16.npy")));
        var scalar = NpyFile.Load(Fixture("scalar.npy"));
        Assert.Equal((0L, 1.5f), (scalar.dim(), scalar.item<float>()));
        Assert.Equal([0L, 4L], NpyFile.Load(Fixture("empty.npy")).shape);
    }

    [Fact]
    public void NvidiasProjectedWNpzLoadsByName()
    {
        // np.savez(f'{outdir}/projected_w.npz', w=...) as projector.py writes it: stored entries.
        AssertBits(W(), NpzFile.Load(Fixture("projected_w.npz"), "w"));
        var all = NpzFile.Load(Fixture("projected_w.npz"));
        Assert.Equal(["w"], all.Keys);
        AssertBits(W(), all["w"]);
    }

    [Fact]
    public void SavezCompressedEntriesAreInflated()
    {
        var all = NpzFile.Load(Fixture("compressed.npz"));
        Assert.Equal(["w", "f64"], all.Keys);
        AssertBits(W(), all["w"]);
        AssertBits(tensor(F64), all["f64"]);
        AssertBits(tensor(F64), NpzFile.Load(Fixture("compressed.npz"), "f64"));
    }

    [Theory]
    [InlineData("f32.npy")]
    [InlineData("f64.npy")]
    [InlineData("f16.npy")]
    [InlineData("scalar.npy")]
    [InlineData("empty.npy")]
    public void SavedNpyIsByteForByteWhatNpSaveWrote(string name)
    {
        var path = Path.Combine(folder, name);
        NpyFile.Save(path, NpyFile.Load(Fixture(name)));
        Assert.Equal(File.ReadAllBytes(Fixture(name)), File.ReadAllBytes(path));
    }

    [Fact]
    public void SavedNpzHoldsStoredEntriesOfNpSavesBytes()
    {
        var path = Path.Combine(folder, "ours.npz");
        // A non-contiguous view and a float64 array: written as the arrays they show, in C order.
        NpzFile.Save(path, [("w", W().transpose(1, 2).contiguous().transpose(1, 2)), ("f64", tensor(F64))]);

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["w.npy", "f64.npy"], zip.Entries.Select(entry => entry.FullName));
            Assert.All(zip.Entries, entry => Assert.Equal(entry.Length, entry.CompressedLength)); // stored, as np.savez does
            using var numpys = ZipFile.OpenRead(Fixture("projected_w.npz"));
            Assert.Equal(Bytes(numpys.GetEntry("w.npy")!), Bytes(zip.GetEntry("w.npy")!));
            Assert.Equal(File.ReadAllBytes(Fixture("f64.npy")), Bytes(zip.GetEntry("f64.npy")!));
        }
        var back = NpzFile.Load(path);
        AssertBits(W(), back["w"]);
        AssertBits(tensor(F64), back["f64"]);
    }

    static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Theory]
    [InlineData("object.npy", "it holds Python objects (dtype object), which only unpickling could read, and this tool never unpickles")]
    [InlineData("fortran.npy", "its array [2, 3] is stored in Fortran (column-major) order; save it with np.save(path, np.ascontiguousarray(a))")]
    [InlineData("big-endian.npy", "its data is big-endian ('>f4'); save it little-endian: np.save(path, a.astype('<f4'))")]
    [InlineData("int64.npy", "its dtype is '<i8'; this tool reads float16, float32 and float64")]
    [InlineData("structured.npy", "it holds a structured array (named fields)")]
    public void WhatIsNotAPlainLittleEndianFloatArrayIsRefusedSayingHowToSaveIt(string name, string why)
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Load(Fixture(name)));
        Assert.StartsWith($"{Fixture(name)} is not a NumPy array file this tool reads: {why}", error.Message);
    }

    [Fact]
    public void ATruncatedOrLengthenedFileIsRefused()
    {
        var bytes = File.ReadAllBytes(Fixture("f32.npy"));
        Assert.Contains("needs 24 data bytes but the file has 20 (truncated)", Refused(bytes[..^4]));
        Assert.Contains("needs 24 data bytes but the file has 25 (damaged", Refused([.. bytes, 0]));
        Assert.Contains("its header claims 118 bytes but the file ends before them (truncated)", Refused(bytes[..60]));
        Assert.Contains("does not start with NumPy's magic", Refused(bytes[..5]));
        Assert.Contains("does not start with NumPy's magic", Refused(Encoding.ASCII.GetBytes("PK\x03\x04 a zip, not an npy")));
        Assert.Contains("format version 4.0", Refused([.. bytes[..6], 4, 0, .. bytes[8..]]));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", "of <f4 is over the 1,073,741,824 bytes")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "the axis 99999999999999999999, too large")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "where a non-negative integer should be")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", "its shape is a number in parentheses")]
    [InlineData("{'descr': np.float32, 'fortran_order': False, 'shape': (6,), }", "'np.float32, 'fortran' where a quoted string should be")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), '__class__': 1}", "the key '__class__', which is not one of the three")]
    [InlineData("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", "names 'descr' twice")]
    [InlineData("{'descr': '<f4', 'shape': (6,)}", "lacks fortran_order")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", "where True or False should be")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}; import os", "goes on after the closing brace")]
    [InlineData("{'descr': '<f4\\x00', 'fortran_order': False, 'shape': (6,)}", "with an escape")]
    public void AHeaderIsParsedNeverEvaluatedAndItsSizeCheckedBeforeAllocating(string header, string why)
    {
        // Version 1.0, the header ended by a newline, then the 24 bytes six float32 take.
        var text = header + "\n";
        byte[] file = [0x93, .. "NUMPY"u8, 1, 0, (byte)text.Length, (byte)(text.Length >> 8), .. Encoding.ASCII.GetBytes(text), .. new byte[24]];
        Assert.Contains(why, Refused(file));
    }

    [Fact]
    public void AWellFormedHandWrittenHeaderIsRead()
    {
        // Double quotes, no trailing comma, Python 2's long integers, other key order: still NumPy's format.
        var text = "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<f4\"}\n";
        var path = Path.Combine(folder, "hand.npy");
        File.WriteAllBytes(path, [0x93, .. "NUMPY"u8, 1, 0, (byte)text.Length, 0, .. Encoding.ASCII.GetBytes(text), .. F32().bytes.ToArray()]);
        AssertBits(F32(), NpyFile.Load(path));
    }

    string Refused(byte[] file)
    {
        var path = Path.Combine(folder, "refused.npy");
        File.WriteAllBytes(path, file);
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Load(path));
        Assert.StartsWith($"{path} is not a NumPy array file this tool reads: ", error.Message);
        return error.Message;
    }

    [Fact]
    public void AnNpzThatIsNoZipOrLacksTheArrayIsRefusedNamingWhatItHolds()
    {
        var notZip = Path.Combine(folder, "f32.npz");
        File.Copy(Fixture("f32.npy"), notZip);
        Assert.StartsWith($"{notZip} is not an .npz file (a zip archive of .npy files, as np.savez writes)",
            Assert.Throws<InvalidDataException>(() => NpzFile.Load(notZip, "w")).Message);
        Assert.Equal($"{Fixture("compressed.npz")} holds no array 'z'; its arrays are 'w', 'f64'.",
            Assert.Throws<InvalidDataException>(() => NpzFile.Load(Fixture("compressed.npz"), "z")).Message);
        Assert.Throws<FileNotFoundException>(() => NpzFile.Load(Path.Combine(folder, "missing.npz")));
    }

    [Fact]
    public void AnEntryWhoseArrayIsCutShortIsRefusedNamingTheEntry()
    {
        // An npz whose w.npy lacks its last value (a zip written by hand; np.savez would never).
        var path = Path.Combine(folder, "cut.npz");
        var npy = File.ReadAllBytes(Fixture("f32.npy"));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("w.npy", CompressionLevel.Optimal).Open())
            entry.Write(npy.AsSpan(0, npy.Length - 4));
        var error = Assert.Throws<InvalidDataException>(() => NpzFile.Load(path, "w"));
        Assert.Equal($"{path} (entry w.npy) is not a NumPy array file this tool reads: its shape [2, 3] of <f4 needs 24 data bytes but the file has 20 (truncated).", error.Message);
    }

    [Fact]
    public void ADamagedEntryIsRefusedByItsCrc()
    {
        // One byte of w's stored data flipped: the zip's CRC-32 tells, as np.load's zipfile tells ("Bad CRC-32").
        var bytes = File.ReadAllBytes(Fixture("projected_w.npz"));
        int data = bytes.AsSpan().IndexOf("NUMPY"u8) - 1 + 128 + 100; // 100 bytes into the data after the header
        bytes[data] ^= 0x40;
        var path = Path.Combine(folder, "damaged.npz");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => NpzFile.Load(path, "w"));
        Assert.Equal($"{path} (entry w.npy) is not a NumPy array file this tool reads: its data is damaged (the entry does not match the CRC-32 its archive records).", error.Message);
    }

    [Fact]
    public void OnlyFloatTensorsAreWritten()
    {
        var error = Assert.Throws<ArgumentException>(() => NpyFile.Save(Path.Combine(folder, "x.npy"), arange(3)));
        Assert.Contains("not Int64", error.Message);
        Assert.Throws<ArgumentException>(() => NpzFile.Save(Path.Combine(folder, "x.npz"), [("w", W()), ("w", W())]));
        Assert.False(File.Exists(Path.Combine(folder, "x.npy")));
    }
}
