using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>
/// One render at a time, and a bounded number waiting. Requests that carry a client id coalesce: a newer request of
/// the same client replaces its older waiting one (answered 409), so a page that sends faster than the network
/// renders never builds a queue, and the newest state wins. Beyond the bound, requests are refused (429).
/// </summary>
/// <param name="maxWaiting">The most requests waiting for the render slot at once.</param>
public sealed class RenderGate(int maxWaiting)
{
    readonly SemaphoreSlim slot = new(1, 1);
    readonly object sync = new();
    readonly Dictionary<string, CancellationTokenSource> waitingByClient = new();
    int waiting;

    /// <summary>How many requests wait now.</summary>
    public int Waiting { get { lock (sync) return waiting; } }

    /// <summary>Runs <paramref name="render"/> when the slot is free, on a pool thread.</summary>
    /// <param name="client">The client id to coalesce by, or null.</param>
    /// <param name="render">The work.</param>
    /// <param name="aborted">The request's abort (a closed connection leaves the queue).</param>
    public async Task<T> Run<T>(string? client, Func<T> render, CancellationToken aborted)
    {
        var superseded = new CancellationTokenSource();
        lock (sync)
        {
            if (waiting >= maxWaiting) throw new RequestException($"busy: {waiting} requests wait for the network already; retry shortly.", StatusCodes.Status429TooManyRequests);
            waiting++;
            if (client is not null)
            {
                if (waitingByClient.Remove(client, out var older)) older.Cancel();
                waitingByClient[client] = superseded;
            }
        }
        bool entered = false;
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(superseded.Token, aborted);
            try
            {
                await slot.WaitAsync(either.Token);
                entered = true;
            }
            catch (OperationCanceledException) when (superseded.IsCancellationRequested)
            {
                throw new RequestException("superseded: a newer request of this client replaced this one.", StatusCodes.Status409Conflict);
            }
        }
        finally
        {
            lock (sync)
            {
                waiting--;
                if (client is not null && waitingByClient.TryGetValue(client, out var mine) && mine == superseded) waitingByClient.Remove(client);
            }
            superseded.Dispose();
        }
        try { return await Task.Run(render, CancellationToken.None); }
        finally { if (entered) slot.Release(); }
    }
}
