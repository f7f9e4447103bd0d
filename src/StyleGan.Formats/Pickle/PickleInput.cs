namespace StyleGan.Formats.Pickle;

/// <summary>
/// The bytes a pickle machine reads, in order: an array held whole (a nested or legacy file's data), or a file read
/// through a window, so that a network pickle of hundreds of MB is never held whole beside the values taken out of it.
/// </summary>
internal sealed class PickleInput
{
    const int Window = 1 << 16;

    readonly Stream? stream;
    byte[] buffer;
    long bufferStart;
    int bufferLength;
    int cursor;

    PickleInput(Stream? stream, byte[] buffer, int bufferLength, long length)
    {
        this.stream = stream;
        this.buffer = buffer;
        this.bufferLength = bufferLength;
        Length = length;
    }

    /// <summary>The data of an array, from <paramref name="position"/> on.</summary>
    public static PickleInput Of(byte[] data, int position) => new(null, data, data.Length, data.Length) { cursor = position };

    /// <summary>A file's stream, from its current position on.</summary>
    public static PickleInput Of(Stream stream) => new(stream, new byte[Window], 0, stream.Length) { bufferStart = stream.Position };

    public long Length { get; }

    public long Position => bufferStart + cursor;

    public long Remaining => Length - Position;

    public byte ReadByte()
    {
        Ensure(1);
        return buffer[cursor++];
    }

    /// <summary>The next <paramref name="count"/> bytes (at most <see cref="Remaining"/>), valid until the next read.</summary>
    public ReadOnlySpan<byte> Read(int count)
    {
        Ensure(count);
        var span = buffer.AsSpan(cursor, count);
        cursor += count;
        return span;
    }

    /// <summary>Whether bytes already passed can be read again (a file's input can; an array's need not).</summary>
    public bool CanReread => stream is not null;

    /// <summary>Moves past <paramref name="count"/> bytes (at most <see cref="Remaining"/>) without reading them.</summary>
    public void Skip(long count)
    {
        if (count > Remaining) throw new InvalidOperationException($"A pickle skip of {count} bytes at offset {Position} passes the end of its {Length} bytes.");
        if (count <= bufferLength - cursor)
        {
            cursor += (int)count;
            return;
        }
        bufferStart = Position + count;
        cursor = 0;
        bufferLength = 0;
        stream!.Position = bufferStart;
    }

    /// <summary>A copy of the <paramref name="length"/> bytes at <paramref name="offset"/>, read again from the file.</summary>
    public byte[] ReadAt(long offset, int length)
    {
        var bytes = new byte[length];
        long resume = stream!.Position;
        stream.Position = offset;
        stream.ReadExactly(bytes);
        stream.Position = resume;
        return bytes;
    }

    /// <summary>The bytes up to the next '\n' (which is skipped), valid until the next read; false where there is none.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        int scanned = 0;
        while (true)
        {
            int end = Array.IndexOf(buffer, (byte)'\n', cursor + scanned, bufferLength - cursor - scanned);
            if (end >= 0)
            {
                line = buffer.AsSpan(cursor, end - cursor);
                cursor = end + 1;
                return true;
            }
            scanned = bufferLength - cursor;
            if (scanned >= Remaining)
            {
                line = default;
                return false;
            }
            Ensure(scanned + 1);
        }
    }

    // Makes count bytes from the cursor available, moving the unread rest to the window's start and reading more.
    void Ensure(int count)
    {
        if (bufferLength - cursor >= count) return;
        if (stream is null || count > Remaining)
            throw new InvalidOperationException($"A pickle read of {count} bytes at offset {Position} passes the end of its {Length} bytes; lengths are checked before reading.");
        int rest = bufferLength - cursor;
        var target = count > buffer.Length ? new byte[Math.Max(count, 2 * buffer.Length)] : buffer;
        Array.Copy(buffer, cursor, target, 0, rest);
        buffer = target;
        bufferStart += cursor;
        cursor = 0;
        bufferLength = rest;
        while (bufferLength < count)
        {
            int read = stream.Read(buffer, bufferLength, buffer.Length - bufferLength);
            if (read == 0) throw new InvalidDataException($"The file ended at offset {bufferStart + bufferLength}, before its {Length} bytes: it changed while it was read.");
            bufferLength += read;
        }
    }
}
