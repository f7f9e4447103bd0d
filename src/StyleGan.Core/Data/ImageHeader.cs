using SkiaSharp;

namespace StyleGan.Data;

/// <summary>What an image file's header says (size, grayscale or colour), read without decoding the pixels.</summary>
public readonly record struct ImageHeader(int Width, int Height, bool IsGray)
{
    /// <summary>Reads one file's header; false with the reason (e.g. "not a readable image (InvalidInput)") when it cannot.</summary>
    static bool TryRead(ImageSource source, string file, out ImageHeader header, out string reason)
    {
        SKCodecResult result;
        try
        {
            (header, result) = source.Read(file, stream =>
            {
                using var codec = SKCodec.Create(stream, out var created);
                return (codec is null ? default : new ImageHeader(codec.Info.Width, codec.Info.Height, codec.Info.ColorType == SKColorType.Gray8), created);
            });
        }
        catch (InvalidDataException e) // a damaged zip entry
        {
            (header, reason) = (default, $"unreadable ({e.Message})");
            return false;
        }
        if (result != SKCodecResult.Success)
        {
            reason = $"not a readable image ({result})";
            return false;
        }
        reason = Images.ImageFile.TooLarge(header.Width, header.Height) ?? "";
        return reason.Length == 0;
    }

    /// <summary>
    /// Headers of the files in order, read as the sequence is enumerated (so that Take stops reading). An unreadable
    /// file throws InvalidDataException naming it, or with <paramref name="skipBad"/> is left out and recorded in
    /// <paramref name="skipped"/>.
    /// </summary>
    /// <param name="source">Where the files are.</param>
    /// <param name="files">Relative paths.</param>
    /// <param name="skipBad">Skip unreadable files instead of throwing.</param>
    /// <param name="skipped">Receives what was skipped and why.</param>
    public static IEnumerable<(string File, ImageHeader Header)> ReadAll(ImageSource source, IEnumerable<string> files, bool skipBad,
        List<(string File, string Reason)> skipped)
    {
        foreach (var file in files)
        {
            if (TryRead(source, file, out var header, out var reason)) yield return (file, header);
            else if (skipBad) skipped.Add((file, reason));
            else throw new InvalidDataException($"{source.Describe(file)} is {reason}; replace or remove it, or skip bad images (`SkipBad`) to leave it out.");
        }
    }

    public override string ToString() => $"{Width}x{Height}";
}
