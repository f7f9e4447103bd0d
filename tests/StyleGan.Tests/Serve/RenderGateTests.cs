using StyleGan.Serve;

namespace StyleGan.Tests.Serve;

/// <summary>One render at a time; a client's newer request replaces its waiting one; past the bound, a refusal.</summary>
public sealed class RenderGateTests
{
    static async Task Until(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    [Fact]
    public async Task ANewerRequestOfAClientReplacesItsWaitingOneAndTheNewestWins()
    {
        var gate = new RenderGate(maxWaiting: 16);
        using var release = new ManualResetEventSlim();
        var running = gate.Run(null, () => { release.Wait(); return -1; }, CancellationToken.None);
        await Until(() => gate.Waiting == 0 && !running.IsCompleted);
        var page = new List<Task<int>>();
        for (int i = 0; i < 5; i++)
        {
            int state = i;
            page.Add(gate.Run("page", () => state, CancellationToken.None));
            await Until(() => gate.Waiting == 1);
        }
        var other = gate.Run("other", () => 100, CancellationToken.None);
        await Until(() => gate.Waiting == 2);
        release.Set();
        Assert.Equal(-1, await running);
        Assert.Equal(4, await page[^1]);
        Assert.Equal(100, await other);
        foreach (var replaced in page.Take(4))
            Assert.Equal(409, (await Assert.ThrowsAsync<RequestException>(() => replaced)).Status);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task PastTheBoundRequestsAreRefusedNotQueued()
    {
        var gate = new RenderGate(maxWaiting: 2);
        using var release = new ManualResetEventSlim();
        var running = gate.Run(null, () => { release.Wait(); return 0; }, CancellationToken.None);
        await Until(() => !running.IsCompleted && gate.Waiting == 0);
        var waiting = new[] { gate.Run(null, () => 1, CancellationToken.None), gate.Run(null, () => 2, CancellationToken.None) };
        var refused = await Assert.ThrowsAsync<RequestException>(() => gate.Run(null, () => 3, CancellationToken.None));
        Assert.Equal(429, refused.Status);
        release.Set();
        Assert.Equal([1, 2], (await Task.WhenAll(waiting)).Order());
    }

    [Fact]
    public async Task AClosedConnectionLeavesTheQueue()
    {
        var gate = new RenderGate(maxWaiting: 4);
        using var release = new ManualResetEventSlim();
        var running = gate.Run(null, () => { release.Wait(); return 0; }, CancellationToken.None);
        await Until(() => !running.IsCompleted);
        using var aborted = new CancellationTokenSource();
        var waiting = gate.Run(null, () => 1, aborted.Token);
        await Until(() => gate.Waiting == 1);
        aborted.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, gate.Waiting);
        release.Set();
        await running;
    }
}
