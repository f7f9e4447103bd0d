using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Tests.Formats;

public sealed class SafetensorsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("safetensors-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Save()
    {
        var path = Path.Combine(folder, "a.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = arange(12, dtype: float32).reshape(3, 4),
            ["scalar"] = tensor(2.5f),
            ["counts"] = tensor(new long[] { 7, -3 }),
            ["half"] = ones(2, dtype: float16),
        };
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["config"] = "{\"z_dim\": 4}" });
        return path;
    }

    [Fact]
    public void RoundTripsTensorsDtypesShapesAndMetadata()
    {
        using var file = Safetensors.Load(Save());
        Assert.Equal("{\"z_dim\": 4}", file.Metadata["config"]);
        Assert.Equal(new long[] { 3, 4 }, file["w"].shape);
        Assert.Equal(66f, file["w"].sum().item<float>());
        Assert.Empty(file["scalar"].shape);
        Assert.Equal(2.5f, file["scalar"].item<float>());
        Assert.Equal(new long[] { 7, -3 }, file["counts"].data<long>().ToArray());
        Assert.Equal(ScalarType.Float16, file["half"].dtype);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }

    [Fact]
    public void TruncatedFileIsRefusedNamingTheFile()
    {
        var path = Save();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void HeaderLongerThanTheFileIsRefused()
    {
        var path = Path.Combine(folder, "bad.safetensors");
        File.WriteAllBytes(path, BitConverter.GetBytes(1_000_000UL).Concat("{}"u8.ToArray()).ToArray());
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains("header claims 1000000 bytes", error.Message);
    }

    [Fact]
    public void GarbageHeaderIsRefused()
    {
        var path = Path.Combine(folder, "garbage.safetensors");
        File.WriteAllBytes(path, BitConverter.GetBytes(4UL).Concat("nope"u8.ToArray()).ToArray());
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains("not JSON", error.Message);
    }

    [Theory]
    [InlineData("{\"a\": ", "the header is not JSON (cut off or malformed at line 1, column 7)")]
    [InlineData("{\"__metadata__\": {}, \"__metadata__\": {\"x\": \"y\"}}", "the header is not JSON (a key given twice)")]
    public void AMalformedHeaderIsToldByWhereItIsWrong(string header, string expected)
    {
        // A key given twice was an internal error (JsonNode threw ArgumentException on first reading the object).
        var path = Path.Combine(folder, "bad-header.safetensors");
        var bytes = System.Text.Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes]);
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        var path = Path.Combine(folder, "absent.safetensors");
        var error = Assert.Throws<FileNotFoundException>(() => Safetensors.Load(path));
        Assert.Contains(path, error.Message);
    }

    // A file with the given tensor entries over 16 data bytes, written by hand as a hostile tool could.
    string Handmade(string tensorsJson)
    {
        var path = Path.Combine(folder, "handmade.safetensors");
        var header = System.Text.Encoding.UTF8.GetBytes("{" + tensorsJson + "}");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[16]]);
        return path;
    }

    [Theory]
    [InlineData("\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}", "overlap")]
    [InlineData("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "belong to no tensor")]
    [InlineData("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}", "belong to no tensor")]
    [InlineData("\"a\":{\"dtype\":\"F32\",\"shape\":[\"x\"],\"data_offsets\":[0,16]}", "malformed")]
    [InlineData("\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}", "malformed")]
    [InlineData("\"__metadata__\":{\"k\":[1]},\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", "not a string")]
    public void OverlapsHolesAndMalformedEntriesAreRefused(string tensors, string why)
    {
        var path = Handmade(tensors);
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void ManyTensorsOverTheSameBytesAllocateNothing()
    {
        var entries = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"));
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(Handmade(entries)));
        Assert.Contains("overlap", error.Message);
    }
}
