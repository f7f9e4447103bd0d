using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>A request the server refuses, with the message the page shows and the status it answers with (400 unless said).</summary>
/// <param name="message">What is wrong, naming the parameter, and what to send instead.</param>
/// <param name="status">The HTTP status.</param>
public sealed class RequestException(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}
