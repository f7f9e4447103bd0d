using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using StyleGan.Images;
using StyleGan.Tests.Cli;
using static TorchSharp.torch;

namespace StyleGan.Tests.Serve;

/// <summary>
/// The explorer against hostile files on the same machine and hostile pages in the user's browser, on a live server
/// on loopback: links (one hop, two hops, relative, looping, dangling) in the served and run folders and in listings,
/// devices and FIFOs, a run folder deleted while serving, foreign Host headers, cross-site POSTs, bursts of large
/// uploads. Each case asserts the status, that no byte or name from outside the folders appears in any answer, and
/// (in a server process of its own) that memory stays bounded.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ServeHostileTests : IDisposable
{
    const string Unconditional = "mixing/stylegan2-ada-uncond-tiny.pkl";
    readonly string secret = "SECRET-" + Guid.NewGuid().ToString("N");
    readonly string outside = Directory.CreateTempSubdirectory("serve-outside").FullName;
    readonly string work = Directory.CreateTempSubdirectory("serve-hostile").FullName;

    public ServeHostileTests()
    {
        File.WriteAllText(Path.Combine(outside, "secret.txt"), secret);
        File.Copy(ReferenceData.Fixture(Unconditional), Path.Combine(outside, "secret.pkl"));
        File.WriteAllText(Path.Combine(outside, "stats.jsonl"), $"{{\"kimg\":1,\"{secret}\":1}}\n");
        File.WriteAllText(Path.Combine(outside, "metric-x.jsonl"), $"{{\"results\":{{\"{secret}\":1}},\"kimg\":1}}\n");
        Directory.CreateDirectory(Path.Combine(outside, "run"));
        File.WriteAllText(Path.Combine(outside, "run", "stats.jsonl"), "{\"kimg\":1}\n");
    }

    public void Dispose()
    {
        Directory.Delete(outside, recursive: true);
        Directory.Delete(work, recursive: true);
    }

    static void Fifo(string path) => Formats.Files.Fifo.Create(path);

    static void Link(string path, string target) => File.CreateSymbolicLink(path, target);

    // No byte of an outside file, and not even the outside folder's name (unless the request gave it), is in an answer.
    void NothingFromOutside(byte[] body, string what)
    {
        string text = Encoding.UTF8.GetString(body);
        Assert.False(text.Contains(secret), $"{what}: the answer holds an outside file's contents: {text}");
        Assert.False(!what.Contains(outside) && text.Contains(outside), $"{what}: the answer names the outside folder: {text}");
        Assert.False(text.Contains("root:"), $"{what}: the answer holds /etc/passwd: {text}");
    }

    // A request's status, body and how long it took, each asserted bounded: nothing a file does may hold a request.
    static async Task<(int Status, byte[] Body)> Send(ServerHarness server, HttpRequestMessage request)
    {
        var watch = Stopwatch.StartNew();
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{request.Method} {request.RequestUri} took {watch.Elapsed.TotalSeconds:F0} s");
        return ((int)response.StatusCode, body);
    }

    static Task<(int Status, byte[] Body)> Get(ServerHarness server, string path) => Send(server, new HttpRequestMessage(HttpMethod.Get, path));

    static Task<(int Status, byte[] Body)> Open(ServerHarness server, string path) =>
        Send(server, new HttpRequestMessage(HttpMethod.Post, $"/api/open?path={Uri.EscapeDataString(path)}"));

    string OpenNetworkPath(ServerHarness server) =>
        JsonDocument.Parse(server.Get("/api/state").GetAwaiter().GetResult().Body).RootElement.GetProperty("network").GetProperty("path").GetString()!;

    [Fact]
    public async Task TheRunFoldersFilesAreReadOnlyThroughTheRule()
    {
        string run = Path.Combine(work, "run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "real-stats.jsonl"), "{\"kimg\":4,\"loss/G\":1.5}\n");
        var grid = randint(0, 256, [1, 4, 4], dtype: ScalarType.Byte);
        ImageFile.SavePng(Path.Combine(run, "fakes000004.png"), grid);
        // Newer-looking fakes grids and a metric file that are links out, devices, FIFOs, loops and links to nowhere.
        Link(Path.Combine(run, "fakes999999.png"), Path.Combine(outside, "secret.txt"));
        Link(Path.Combine(run, "fakes999998.png"), "/dev/zero");
        Fifo(Path.Combine(run, "fakes999997.png"));
        Link(Path.Combine(run, "fakes999996.png"), "fakes999995.png");
        Link(Path.Combine(run, "fakes999995.png"), "fakes999996.png");
        Link(Path.Combine(run, "fakes999994.png"), "no-such-file.png");
        Link(Path.Combine(run, "out"), outside);
        Link(Path.Combine(run, "fakes999993.png"), "out/secret.txt");
        Link(Path.Combine(run, "metric-evil.jsonl"), Path.Combine(outside, "metric-x.jsonl"));
        Link(Path.Combine(run, "metric-two-hops.jsonl"), "out/metric-x.jsonl");
        Fifo(Path.Combine(run, "metric-fifo.jsonl"));
        string stats = Path.Combine(run, "stats.jsonl");
        Link(stats, "real-stats.jsonl"); // a link inside the run folder is followed
        await using var server = await ServerHarness.Start(Unconditional, settings => settings with { Run = run });

        var (status, body) = await Get(server, "/api/run");
        Assert.True(status == 200, Encoding.UTF8.GetString(body));
        NothingFromOutside(body, "/api/run");
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal("fakes000004.png", answer.GetProperty("fakes").GetString());
        Assert.Equal([4.0], answer.GetProperty("kimg").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Empty(answer.GetProperty("metrics").EnumerateObject());
        var (fakesStatus, png) = await Get(server, "/api/run/fakes.png");
        Assert.Equal(200, fakesStatus);
        Assert.Equal(File.ReadAllBytes(Path.Combine(run, "fakes000004.png")), png);

        // stats.jsonl itself made hostile: refused with a 4xx naming it, at once, never read.
        var hostileStats = new (string Name, Action Make, int Status)[]
        {
            ("a link out", () => Link(stats, Path.Combine(outside, "stats.jsonl")), 403),
            ("a two-hop link out", () => Link(stats, "out/stats.jsonl"), 403),
            ("/dev/urandom", () => Link(stats, "/dev/urandom"), 403),
            ("/dev/zero", () => Link(stats, "/dev/zero"), 403),
            ("a FIFO", () => Fifo(stats), 403),
            ("a loop", () => { Link(stats, "stats2.jsonl"); Link(Path.Combine(run, "stats2.jsonl"), "stats.jsonl"); }, 403),
        };
        foreach (var (name, make, expected) in hostileStats)
        {
            File.Delete(stats);
            File.Delete(Path.Combine(run, "stats2.jsonl"));
            make();
            (status, body) = await Get(server, "/api/run");
            Assert.True(status == expected, $"stats.jsonl as {name}: {status} {Encoding.UTF8.GetString(body)}");
            Assert.StartsWith("run: ", ServerHarness.Error(body));
            NothingFromOutside(body, $"stats.jsonl as {name}");
        }
        // A link to nowhere is a run without ticks yet.
        File.Delete(stats);
        Link(stats, "not-written-yet.jsonl");
        (status, body) = await Get(server, "/api/run");
        Assert.Equal(200, status);
        Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("kimg").GetArrayLength());
    }

    [Fact]
    public async Task OpeningFollowsLinksOnlyWhileTheyStayInsideTheFolders()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        string folder = server.Folder, network = Path.GetFileName(server.Network);
        Link(Path.Combine(folder, "linkdir"), outside);
        Link(Path.Combine(folder, "chain.pkl"), Path.Combine(folder, "linkdir", "secret.pkl"));
        Link(Path.Combine(folder, "chain-missing.pkl"), Path.Combine(folder, "linkdir", "no-such.pkl"));
        Link(Path.Combine(folder, "relative-chain.pkl"), "linkdir/secret.pkl");
        Link(Path.Combine(folder, "up.pkl"), "../../../../../../../../.." + outside + "/secret.pkl");
        Link(Path.Combine(folder, "loop-a.pkl"), "loop-b.pkl");
        Link(Path.Combine(folder, "loop-b.pkl"), "loop-a.pkl");
        Link(Path.Combine(folder, "self"), ".");
        Link(Path.Combine(folder, "zero.pkl"), "/dev/zero");
        Link(Path.Combine(folder, "dangling.pkl"), "no-such.pkl");
        Fifo(Path.Combine(folder, "fifo.pkl"));
        Directory.CreateDirectory(Path.Combine(folder, "folder.pkl"));

        var refused = new (string Path, int Status)[]
        {
            ("chain.pkl", 403), ("chain-missing.pkl", 403), ("relative-chain.pkl", 403), ("up.pkl", 403),
            ("linkdir/secret.pkl", 403), ("linkdir/no-such.pkl", 403), (Path.Combine(outside, "secret.pkl"), 403),
            ("loop-a.pkl", 403), (string.Concat(Enumerable.Repeat("self/", 41)) + network, 403),
            ("zero.pkl", 403), ("fifo.pkl", 403), ("folder.pkl", 403), ("dangling.pkl", 404), ("no-such.pkl", 404),
        };
        foreach (var (path, expected) in refused)
        {
            var (status, body) = await Open(server, path);
            Assert.True(status == expected, $"{path}: {status} {Encoding.UTF8.GetString(body)}");
            Assert.StartsWith("path: ", ServerHarness.Error(body));
            NothingFromOutside(body, path);
            Assert.Equal(server.Network, OpenNetworkPath(server));
        }
        // An outside file that exists and one that does not get the same answer: a refusal tells nothing of what is there.
        string Said(byte[] body, string name) => ServerHarness.Error(body).Replace(name, "NAME");
        Assert.Equal(Said((await Open(server, "chain.pkl")).Body, "chain.pkl"), Said((await Open(server, "chain-missing.pkl")).Body, "chain-missing.pkl"));
        Assert.Equal(Said((await Open(server, "linkdir/secret.pkl")).Body, "linkdir/secret.pkl"), Said((await Open(server, "linkdir/no-such.pkl")).Body, "linkdir/no-such.pkl"));

        // Links that stay inside are followed: a link to the network, through the looping folder link a few times.
        Link(Path.Combine(folder, "alias.pkl"), network);
        Assert.Equal(200, (await Open(server, "alias.pkl")).Status);
        Assert.Equal(200, (await Open(server, "self/self/self/" + network)).Status);
        Assert.Equal(server.Network, OpenNetworkPath(server));
    }

    [Fact]
    public async Task ListingsShowOnlyWhatTheRuleLetsBeOpened()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        string folder = server.Folder;
        Link(Path.Combine(folder, "outdir"), outside);
        Link(Path.Combine(folder, "link.pkl"), Path.Combine(outside, "secret.pkl"));
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.Copy(server.Network, Path.Combine(folder, "sub", "inner.pkl"));
        Directory.CreateDirectory(Path.Combine(folder, "subrun"));
        File.WriteAllText(Path.Combine(folder, "subrun", "stats.jsonl"), "{\"kimg\":1}\n");
        Link(Path.Combine(folder, "sub", "up"), ".."); // a loop of folders
        Fifo(Path.Combine(folder, "fifo.pkl"));
        Link(Path.Combine(folder, "zero.pkl"), "/dev/zero");
        Link(Path.Combine(folder, "loop.pkl"), "loop.pkl");

        var (status, body) = await Get(server, "/api/networks");
        Assert.Equal(200, status);
        NothingFromOutside(body, "/api/networks");
        var answer = JsonDocument.Parse(body).RootElement;
        var files = answer.GetProperty("files").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(new[] { Path.Combine(folder, "sub", "inner.pkl"), server.Network }.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
        Assert.Equal([Path.Combine(folder, "subrun")], answer.GetProperty("runs").EnumerateArray().Select(e => e.GetString()));
        foreach (var file in files) Assert.Equal(200, (await Open(server, file)).Status);
    }

    [Fact]
    public async Task ARunFolderDeletedWhileServingIsA404()
    {
        string run = Path.Combine(work, "run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "stats.jsonl"), "{\"kimg\":4}\n");
        ImageFile.SavePng(Path.Combine(run, "fakes000004.png"), zeros([1, 4, 4], dtype: ScalarType.Byte));
        await using var server = await ServerHarness.Start(Unconditional, settings => settings with { Run = run });
        Assert.Equal(200, (await Get(server, "/api/run")).Status);
        Directory.Delete(run, recursive: true);
        foreach (var path in new[] { "/api/run", "/api/run/fakes.png" })
        {
            var (status, body) = await Get(server, path);
            Assert.True(status == 404, $"{path}: {status} {Encoding.UTF8.GetString(body)}");
            Assert.Contains("is gone", ServerHarness.Error(body));
        }
        Assert.Equal(200, (await Get(server, "/api/networks")).Status);
        Assert.Equal(200, (await Get(server, "/api/state")).Status);
    }

    [Fact]
    public async Task RequestsForAnotherHostNameAreRefused()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        int port = new Uri(server.Server.Url).Port;
        foreach (var host in new[] { "evil.example", $"evil.example:{port}", $"127.0.0.1.evil.example:{port}", "localhost.evil", "[::2]", $"10.0.0.1:{port}" })
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "/"), (HttpMethod.Get, "/api/state"), (HttpMethod.Get, "/api/render?seed=1"), (HttpMethod.Post, $"/api/open?path={Path.GetFileName(server.Network)}") })
            {
                var request = new HttpRequestMessage(method, path);
                request.Headers.Host = host;
                var (status, body) = await Send(server, request);
                Assert.True(status == 403, $"Host {host}, {method} {path}: {status}");
                Assert.StartsWith("host: ", ServerHarness.Error(body));
            }
        }
        foreach (var host in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"LocalHost:{port}", $"[::1]:{port}" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/state");
            request.Headers.Host = host;
            Assert.Equal(200, (await Send(server, request)).Status);
        }
    }

    [Fact]
    public async Task CrossSitePostsChangeNothing()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        int port = new Uri(server.Server.Url).Port;
        string other = Path.Combine(server.Folder, "other.pkl");
        File.Copy(server.Network, other);
        HttpRequestMessage Post(string path, params (string Name, string Value)[] headers)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("x", Encoding.UTF8, "text/plain") };
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            return request;
        }
        var foreign = new[]
        {
            ("Origin", "https://evil.example"), ("Origin", "null"), ("Origin", $"http://127.0.0.1:{port + 1}"), ("Origin", $"https://127.0.0.1:{port}"),
            ("Origin", $"http://evil.example:{port}"), ("Referer", "https://evil.example/page.html"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Site", "same-site"),
        };
        foreach (var header in foreign)
        {
            foreach (var path in new[] { "/api/open?path=other.pkl", "/api/project?steps=5000" })
            {
                var (status, body) = await Send(server, Post(path, header));
                Assert.True(status == 403, $"{header}: POST {path}: {status} {Encoding.UTF8.GetString(body)}");
                Assert.StartsWith("origin: ", ServerHarness.Error(body));
            }
            Assert.Equal(server.Network, OpenNetworkPath(server));
            Assert.Equal(404, (await Get(server, "/api/project/p1")).Status);
        }
        // The page's own POSTs, and those of clients that are no browser (no Origin), still work.
        Assert.Equal(200, (await Send(server, Post("/api/open?path=other.pkl", ("Origin", $"http://127.0.0.1:{port}"), ("Sec-Fetch-Site", "same-origin")))).Status);
        Assert.Equal(other, OpenNetworkPath(server));
        Assert.Equal(200, (await Send(server, Post("/api/open?path=" + Path.GetFileName(server.Network), ("Referer", $"http://localhost:{port}/")))).Status);
        Assert.Equal(200, (await Send(server, Post("/api/open?path=other.pkl"))).Status);
    }

    [Fact]
    public async Task RequestsAreCheckedBeforeTheirBodyAndSaySoPlainly()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        Assert.Equal(200, (await Get(server, "/api/render?seed=4294967295")).Status);
        var refusals = new (string Path, string Named, string Says)[]
        {
            ("/api/render?seed=4294967296", "seed", "[0, 4294967295]"),
            ("/api/render?noiseStrength=-1", "noiseStrength", "[0, 100]"),
            ("/api/render?psi=-200", "psi", "not a number in ["),
        };
        foreach (var (path, named, says) in refusals)
        {
            var (status, body) = await Get(server, path);
            Assert.Equal(400, status);
            Assert.StartsWith(named + ":", ServerHarness.Error(body));
            Assert.Contains(says, ServerHarness.Error(body));
        }
        // A projection's parameters are refused before its upload is read: the answer is about them, not the body.
        foreach (var (query, named, says) in new[] { ("foo=1", "foo", "not a parameter"), ("class=0", "class", "unconditional"), ("steps=0", "steps", "[1, 5000]"), ("steps=abc", "steps", "whole number") })
        {
            var (status, body) = await Send(server, new HttpRequestMessage(HttpMethod.Post, $"/api/project?{query}") { Content = new StringContent("not an image") });
            Assert.True(status == 400, $"{query}: {status}");
            Assert.StartsWith(named + ":", ServerHarness.Error(body));
            Assert.Contains(says, ServerHarness.Error(body));
        }
        foreach (var path in new[] { "/", "/api/state", "/api/networks", "/api/render?seed=3" })
            Assert.Equal(200, (await Send(server, new HttpRequestMessage(HttpMethod.Head, path))).Status);
    }

    [Fact]
    public async Task DevicesAndUploadBurstsKeepTheServersMemoryBounded()
    {
        string run = Path.Combine(work, "run");
        Directory.CreateDirectory(run);
        Link(Path.Combine(run, "stats.jsonl"), "/dev/urandom");
        Link(Path.Combine(run, "fakes999999.png"), "/dev/zero");
        Fifo(Path.Combine(run, "metric-fifo.jsonl"));
        string network = Path.Combine(work, "net.pkl");
        File.Copy(ReferenceData.Fixture(Unconditional), network);
        using var server = await ServerProcess.Start(CliHarness.Dotnet, [CliHarness.Tool, "serve", "--network", network, "--run", run, "--port", "0", "--threads", "1", "--max-upload-mb", "4"]);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/render?seed=1")).StatusCode);
        long before = server.ResidentMegabytes().Peak;

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/run")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/run/fakes.png")).StatusCode);

        // Eight uploads at once of an image at the decode limit (8192x8192, a few hundred KB as PNG): one takes the
        // projection slot and is decoded; the others are refused before their bodies are read.
        byte[] large;
        using (var bitmap = new SKBitmap(new SKImageInfo(8192, 8192, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(90, 90, 90));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            large = data.ToArray();
        }
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await http.PostAsync("/api/project?steps=40", new ByteArrayContent(large));
            return (int)response.StatusCode;
        }));
        Assert.True(statuses.All(status => status is 200 or 409) && statuses.Count(status => status == 200) >= 1, string.Join(", ", statuses));
        var (now, peak) = server.ResidentMegabytes();
        Assert.True(peak - before < 800, $"the peak resident memory grew from {before} MiB to {peak} MiB (now {now} MiB)");
        var (code, said) = await server.Interrupt();
        Assert.True(code == 0, said);
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("0.0.0.0")]
    public async Task TheAddressToOpenIsOneABrowserCanUse(string host)
    {
        string network = Path.Combine(work, "net.pkl");
        File.Copy(ReferenceData.Fixture(Unconditional), network);
        using var server = await ServerProcess.Start(CliHarness.Dotnet, [CliHarness.Tool, "serve", "--network", network, "--host", host, "--port", "0", "--threads", "1"]);
        Assert.StartsWith("http://127.0.0.1:", server.Url);
        // Nothing about projection weights is looked for until a projection asks.
        Assert.DoesNotContain("VGG", server.Started, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("pixel loss", server.Started);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{server.Url}/api/render?seed=2")).StatusCode);
        var (code, said) = await server.Interrupt();
        Assert.True(code == 0, said);
    }
}
