namespace StyleGan.Formats.Pickle;

/// <summary>
/// A large Python bytes object of a pickle read from a file, left in the file until a function takes it as bytes.
/// NVIDIA's snapshots hold every storage as such an object, and the pickle's memo keeps each one to the end of the
/// load: held as arrays, they would all stay in memory beside the tensors made from them. Each use reads it afresh.
/// </summary>
/// <param name="input">The file's input, open for the whole load.</param>
/// <param name="offset">Where the bytes start in the file.</param>
/// <param name="length">How many there are (checked against the file when the pickle declared them).</param>
/// <param name="context">The load, whose memory budget each read is charged to.</param>
internal sealed class FileBytes(PickleInput input, long offset, int length, LoadContext context)
{
    /// <summary>Objects at least this large stay in the file; smaller ones are read at once.</summary>
    public const int MinimumLength = 1 << 16;

    public int Length { get; } = length;

    public byte[] Read()
    {
        context.ReserveTensorBytes(Length);
        return input.ReadAt(offset, Length);
    }
}
