using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using SkiaSharp;
using StyleGan.Data;

namespace StyleGan.Tests.Data;

/// <summary>Image and dataset sizes are bounded before anything is decoded or written.</summary>
public sealed class SizeLimitTests : TestImages
{
    // PNG's chunk checksum (the zlib CRC-32).
    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    // A gray PNG of width x height black pixels, or with allRows false only its first row (a file that lies).
    void HugePng(string relativePath, int width, int height, bool allRows = true)
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var chunk = new byte[12 + data.Length];
            BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
            System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
            data.CopyTo(chunk, 8);
            BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
            return chunk;
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (gray)
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + width];
            for (int y = 0; y < (allRows ? height : 1); y++) zlib.Write(row);
        }
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x89, .. "PNG\r\n\x1a\n"u8, .. Chunk("IHDR", header), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])]);
    }

    [Fact]
    public void AnImageOverTheDecodingLimitIsRefusedBeforeDecoding()
    {
        GrayPng("set/a.png", 8, 1);
        HugePng("set/huge.png", 9000, 9000); // 81 megapixels in about 80 kB
        long before = Process.GetCurrentProcess().PeakWorkingSet64;
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains(Path.Combine(Folder, "set", "huge.png"), error.Message);
        Assert.Contains("9000x9000 pixels, more than the 67,108,864 (8192x8192)", error.Message);

        var conversion = Assert.Throws<InvalidDataException>(() => DatasetTool.Convert(new DatasetToolOptions
            { Source = Path.Combine(Folder, "set"), Destination = Path.Combine(Folder, "out"), Resolution = 8 }));
        Assert.Contains("huge.png", conversion.Message);
        Assert.False(Directory.Exists(Path.Combine(Folder, "out")));
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 200L << 20, "the image was decoded");
    }

    [Fact]
    public void AHeaderDeclaringAGiganticImageIsRefusedNamingTheFile()
    {
        GrayPng("set/a.png", 8, 1);
        HugePng("set/huge.png", 100000, 100000, allRows: false);
        var error = Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "set")));
        Assert.Contains(Path.Combine(Folder, "set", "huge.png"), error.Message);
    }

    [Fact]
    public void WithSkipBadAHugeImageIsLeftOutAndCounted()
    {
        GrayPng("set/a.png", 8, 1);
        HugePng("set/huge.png", 9000, 9000);
        using var dataset = ImageDataset.Open(Path.Combine(Folder, "set"), skipBad: true);
        Assert.Equal(1, dataset.Count);
        Assert.Contains("8192x8192", Assert.Single(dataset.Skipped).Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ADatasetOfImagesTooSmallToTrainOnIsRefusedWhenMade(int side)
    {
        Png("tiny/a.png", side, side, (_, _) => SKColors.Red);
        var error = Assert.Throws<InvalidDataException>(() => DatasetTool.Convert(new DatasetToolOptions
            { Source = Path.Combine(Folder, "tiny"), Destination = Path.Combine(Folder, "out") }));
        Assert.Contains($"{side}x{side}", error.Message);
        Assert.Contains("from 4 to 4096", error.Message);
        Assert.False(Directory.Exists(Path.Combine(Folder, "out")));
        Assert.Throws<InvalidDataException>(() => ImageDataset.Open(Path.Combine(Folder, "tiny")));
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(8192)]
    [InlineData(2)]
    public void AnOutputResolutionOutsideTheLimitsIsRefused(int resolution)
    {
        Png("src/a.png", 8, 8, (_, _) => SKColors.Red);
        var error = Assert.Throws<InvalidValueException>(() => DatasetTool.Convert(new DatasetToolOptions
            { Source = Path.Combine(Folder, "src"), Destination = Path.Combine(Folder, "out"), Resolution = resolution }));
        Assert.Equal("Resolution", error.Name);
        Assert.Contains($"{resolution}", error.Message);
    }
}
