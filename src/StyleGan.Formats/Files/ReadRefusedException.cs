namespace StyleGan.Files;

/// <summary>A path <see cref="ConfinedFiles"/> will not read, and why; the message names the path as it was asked for, never where a link led.</summary>
/// <param name="reason">Why.</param>
/// <param name="message">What is wrong with the path, and what to do.</param>
public sealed class ReadRefusedException(ReadRefusal reason, string message) : IOException(message)
{
    public ReadRefusal Reason { get; } = reason;
}
