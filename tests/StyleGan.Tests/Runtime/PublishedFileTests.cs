using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using StyleGan.Runtime;

namespace StyleGan.Tests.Runtime;

/// <summary>Downloads on first use, from a server of the test's own on loopback; the suite is otherwise offline (TestCache).</summary>
[Collection(ExactResults.Collection)] // turns $STYLEGAN_OFFLINE off for a moment, which is process-wide
public sealed class PublishedFileTests : IDisposable
{
    readonly HttpListener server = new();
    readonly byte[] content = RandomNumberGenerator.GetBytes(3 << 20);
    readonly string prefix;
    readonly string name = $"weights-{Guid.NewGuid():N}.pth";
    byte[] served;
    int requests;

    public PublishedFileTests()
    {
        served = content;
        prefix = $"http://127.0.0.1:{FreePort()}/";
        server.Prefixes.Add(prefix);
        server.Start();
        _ = Task.Run(Serve);
        Environment.SetEnvironmentVariable(PublishedFile.OfflineVariable, null);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PublishedFile.OfflineVariable, "1");
        PublishedFile.DownloadProgress = null;
        server.Close();
        foreach (var file in Directory.Exists(CacheFolder.Path) ? Directory.GetFiles(CacheFolder.Path, name + "*") : []) System.IO.File.Delete(file);
    }

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    async Task Serve()
    {
        while (server.IsListening)
        {
            HttpListenerContext context;
            try { context = await server.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref requests);
            if (context.Request.Url!.AbsolutePath != "/" + name) context.Response.StatusCode = 404;
            else
            {
                context.Response.ContentLength64 = served.Length;
                await context.Response.OutputStream.WriteAsync(served);
            }
            context.Response.Close();
        }
    }

    PublishedFile Published(string? digestPrefix = null) =>
        new(name, prefix + name, digestPrefix ?? Convert.ToHexStringLower(SHA256.HashData(content))[..8]);

    [Fact]
    public void AMissingFileIsDownloadedOnceWithProgressAndChecked()
    {
        var reported = new List<(long Done, long? Total)>();
        PublishedFile.DownloadProgress = (file, done, total) => { if (file == name) reported.Add((done, total)); };
        var path = Published().Locate(null, "WeightsFile", "test weights");

        Assert.Equal(System.IO.Path.Combine(CacheFolder.Path, name), path);
        Assert.Equal(content, System.IO.File.ReadAllBytes(path));
        Assert.Equal((0L, (long?)content.Length), reported[0]);
        Assert.Equal((content.Length, (long?)content.Length), reported[^1]);
        Assert.True(reported.Count > 2);
        // The second use reads the cache.
        Assert.Equal(path, Published().Locate(null, "WeightsFile", "test weights"));
        Assert.Equal(1, requests);
    }

    [Fact]
    public void ADownloadOfAnotherDigestIsRefusedAndNotKept()
    {
        served = RandomNumberGenerator.GetBytes(content.Length);
        var e = Assert.Throws<InvalidDataException>(() => Published().Locate(null, "WeightsFile", "test weights"));
        Assert.Contains(prefix + name, e.Message);
        Assert.Contains("does not start with", e.Message);
        Assert.Empty(Directory.GetFiles(CacheFolder.Path, name + "*"));
    }

    [Fact]
    public void AnAddressThatFailsOrOfflineIsRefusedSayingWhereToPutTheFile()
    {
        var missing = new PublishedFile(name, prefix + "elsewhere.pth");
        var e = Assert.Throws<StyleGan.InvalidValueException>(() => missing.Locate(null, "WeightsFile", "test weights"));
        Assert.Equal("WeightsFile", e.Name);
        Assert.Contains("404", e.Message);
        Assert.Contains(CacheFolder.Path, e.Message);
        Assert.Contains(prefix + "elsewhere.pth", e.Message);

        Environment.SetEnvironmentVariable(PublishedFile.OfflineVariable, "1");
        int before = requests;
        e = Assert.Throws<StyleGan.InvalidValueException>(() => Published().Locate(null, "WeightsFile", "test weights"));
        Assert.Contains("STYLEGAN_OFFLINE=1", e.Message);
        Assert.Contains(prefix + name, e.Message);
        Assert.Equal(before, requests);
        Assert.Empty(Directory.GetFiles(CacheFolder.Path, name + "*"));
    }
}
