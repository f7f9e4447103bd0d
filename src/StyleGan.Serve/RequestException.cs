namespace StyleGan.Serve;

/// <summary>HTTP status codes the server answers with besides 200.</summary>
public static class HttpStatus
{
    public const int BadRequest = 400;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int PayloadTooLarge = 413;
    public const int UnsupportedMediaType = 415;
    public const int TooManyRequests = 429;
}

/// <summary>A request the server refuses, with the message the page shows and the status it answers with (400 unless said).</summary>
/// <param name="message">What is wrong, naming the parameter, and what to send instead.</param>
/// <param name="status">The HTTP status.</param>
public sealed class RequestException(string message, int status = HttpStatus.BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}
