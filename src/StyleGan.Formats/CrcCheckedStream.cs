namespace StyleGan.Formats;

/// <summary>
/// A zip entry's content, checked against the CRC-32 its archive records once it is read to the end: .NET's
/// ZipArchive does not check it (Python's zipfile, and so np.load, does), and a damaged stored entry would otherwise
/// read as other numbers.
/// </summary>
/// <param name="inner">The entry's stream.</param>
/// <param name="expected">The CRC-32 the archive records for the entry.</param>
sealed class CrcCheckedStream(Stream inner, uint expected) : Stream
{
    // The zip (IEEE 802.3) polynomial, bit-reversed.
    static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    uint crc = 0xFFFFFFFF;

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        foreach (byte b in buffer[..read]) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        if (read == 0 && buffer.Length > 0 && ~crc != expected)
            throw new InvalidDataException("the entry does not match the CRC-32 its archive records");
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
