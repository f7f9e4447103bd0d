using System.Diagnostics;
using System.Net;
using System.Text.Json;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Tests.Cli;
using static TorchSharp.torch;

namespace StyleGan.Tests.Serve;

/// <summary>The explorer's API on a running server: images as `stylegan generate` makes them, refusals, bounds.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ServeApiTests : IDisposable
{
    const string Unconditional = "mixing/stylegan2-ada-uncond-tiny.pkl";
    const string Conditional = "published/stylegan2-ada-tiny.pkl";
    readonly string folder = Directory.CreateTempSubdirectory("serve-api-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Runs the page's copied command line (one or two commands joined by &&) in this process, with the relative
    // folders it names put under the test's folder; returns the image it wrote.
    byte[] RunCopiedCommand(string commandLine, string work)
    {
        string file = "";
        foreach (var command in commandLine.Split(" && "))
        {
            var words = command.Split(' ').Skip(1).ToList();
            var args = words.Select((arg, i) => arg.StartsWith("directions/") || (i > 0 && words[i - 1] == "--outdir") ? Path.Combine(work, arg) : arg).ToList();
            var (code, error) = CliHarness.Run([.. args, "--threads", "1"]);
            Assert.True(code == 0, $"{command}: {error}");
            if (args[0] == "generate") file = Directory.GetFiles(Path.Combine(work, "out"), "*.png").Single();
        }
        return File.ReadAllBytes(file);
    }

    [Theory]
    [InlineData("seed=7&psi=0.7")]
    [InlineData("x=3.25&y=0.5&psi=0.8&cutoff=2&mix=11&styles=0,1,2,3&noise=random&noiseSeed=5&noiseStrength=1.5")]
    [InlineData("x=4&y=1&dirs=2,0,-1.5&noise=none")]
    [InlineData("x=-2.75&mix=3&styles=5,6,7&noiseStrength=0.25")]
    public async Task AnImageIsThePngStyleganGenerateWritesForTheCopiedCommandLine(string query)
    {
        await using var server = await ServerHarness.Start(Unconditional);
        var (status, body) = await server.Get($"/api/command?{query}");
        Assert.Equal(200, status);
        string command = JsonDocument.Parse(body).RootElement.GetProperty("command").GetString()!;
        Assert.Contains("stylegan generate --network " + server.Network, command);
        var generated = RunCopiedCommand(command, Path.Combine(folder, "run"));
        var (renderStatus, png) = await server.Get($"/api/render?{query}");
        Assert.Equal(200, renderStatus);
        Assert.True(generated.SequenceEqual(png), $"the render is not generate's PNG: {PixelDiff(generated, png)}");
    }

    [Fact]
    public async Task ASeedsImageIsTheSamePngAsGenerateWithTheSameArguments()
    {
        await using var server = await ServerHarness.Start(Conditional);
        var (code, error) = CliHarness.Run("generate", "--network", server.Network, "--seeds", "12", "--class", "1", "--trunc", "0.6", "--outdir", Path.Combine(folder, "g"), "--threads", "1");
        Assert.True(code == 0, error);
        var (status, png) = await server.Get("/api/render?seed=12&class=1&psi=0.6");
        Assert.Equal(200, status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "g", "seed0012.png")), png);
    }

    [Fact]
    public async Task MixingAndTruncationFollowTheLibrary()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        using var networks = NetworkFile.Load(server.Network, NetworkParts.Sampler);
        var sampler = new Sampler(networks.Sampler, batchSize: 1);
        var truncation = new Truncation(0.6);
        var mixed = WSpace.Mix(sampler.MapSeeds([3u], null, truncation), sampler.MapSeeds([8u], null, truncation), [4, 5, 6, 7]);
        var (_, png) = await server.Get("/api/render?seed=3&psi=0.6&mix=8&styles=middle");
        Assert.Equal(ImageGrid.Png(sampler.Synthesize(mixed)), png);

        // psi 0 is the w_avg image for every seed; psi 1 is the untruncated seed.
        var average = sampler.Synthesize(sampler.WAvg.reshape(1, 1, -1).expand(1, sampler.NumWs, -1).contiguous());
        Assert.Equal(ImageGrid.Png(average), (await server.Get("/api/render?seed=3&psi=0")).Body);
        Assert.Equal((await server.Get("/api/render?seed=5&psi=0")).Body, (await server.Get("/api/render?seed=3&psi=0")).Body);
        Assert.Equal(ImageGrid.Png(sampler.GenerateSeeds([5u])), (await server.Get("/api/render?seed=5")).Body);
    }

    [Theory]
    [InlineData("seed=-1", "seed")]
    [InlineData("seed=abc", "seed")]
    [InlineData("seed=1&x=2", "seed")]
    [InlineData("seed=1&seed=2", "seed")]
    [InlineData("psi=NaN", "psi")]
    [InlineData("psi=1e9", "psi")]
    [InlineData("x=Infinity", "x")]
    [InlineData("cutoff=99", "cutoff")]
    [InlineData("mix=1&styles=0-99", "styles")]
    [InlineData("class=1", "class")]
    [InlineData("layer=b4.nope", "layer")]
    [InlineData("layer=b4.conv1&channel=9999", "channel")]
    [InlineData("noise=loud", "noise")]
    [InlineData("noiseStrength=-1", "noiseStrength")]
    [InlineData("dirs=1,a", "dirs")]
    [InlineData("dirs=1,1,1,1,1,1,1,1,1", "dirs")]
    [InlineData("normalize=maybe", "normalize")]
    [InlineData("foo=1", "foo")]
    [InlineData("client=../x", "client")]
    [InlineData("projection=p99", "projection")]
    public async Task BadParametersGet400WithAMessageNamingThem(string query, string named)
    {
        await using var server = await ServerHarness.Start(Unconditional);
        var (status, body) = await server.Get($"/api/render?{query}");
        Assert.True(status is 400 or 404, $"{query}: {status}");
        Assert.StartsWith(named + ":", ServerHarness.Error(body));
    }

    [Fact]
    public async Task FilesOutsideTheServedFoldersAreRefusedAndABadNetworkKeepsTheOpenOne()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        async Task<(int, string)> Open(string path)
        {
            using var response = await server.Http.PostAsync($"/api/open?path={Uri.EscapeDataString(path)}", null);
            var body = await response.Content.ReadAsByteArrayAsync();
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? "" : ServerHarness.Error(body));
        }
        Directory.CreateSymbolicLink(Path.Combine(server.Folder, "escape"), "/etc");
        File.WriteAllText(Path.Combine(server.Folder, "notes.txt"), "not a network");
        File.WriteAllBytes(Path.Combine(server.Folder, "broken.pkl"), new byte[] { 0x80, 0x02, 0x7d, 0x71 });
        foreach (var path in new[] { "../../../../etc/passwd", "/etc/passwd", "escape/passwd", Path.Combine(server.Folder, "..", "..", "etc", "hostname") })
        {
            var (status, message) = await Open(path);
            Assert.True(status == 403, $"{path}: {status} {message}");
            Assert.Contains("outside the allowed folders", message);
        }
        Assert.Equal(404, (await Open("missing.pkl")).Item1);
        Assert.Equal(415, (await Open("notes.txt")).Item1);
        var (brokenStatus, brokenMessage) = await Open("broken.pkl");
        Assert.Equal(415, brokenStatus);
        Assert.Contains("broken.pkl", brokenMessage);
        Assert.Equal(200, (await server.Get("/api/render?seed=1")).Status);
        Assert.NotEqual(200, (await server.Get("/..%2F..%2F..%2Fetc%2Fpasswd")).Status);
        Assert.Equal(200, (await Open(Path.GetFileName(server.Network))).Item1);
    }

    [Fact]
    public async Task OversizedAndNonImageUploadsAreRefused()
    {
        await using var server = await ServerHarness.Start(Unconditional, settings => settings with { MaxUploadBytes = 64 << 10 });
        async Task<(int, string)> Upload(byte[] bytes)
        {
            using var response = await server.Http.PostAsync("/api/project?steps=2", new ByteArrayContent(bytes));
            return ((int)response.StatusCode, ServerHarness.Error(await response.Content.ReadAsByteArrayAsync()));
        }
        var (tooLarge, tooLargeMessage) = await Upload(new byte[100 << 10]);
        Assert.Equal(413, tooLarge);
        Assert.Contains("65,536", tooLargeMessage);
        var (notImage, notImageMessage) = await Upload(System.Text.Encoding.UTF8.GetBytes("hello, not a picture"));
        Assert.Equal(415, notImage);
        Assert.Contains("not an image", notImageMessage);
        Assert.Equal(400, (await Upload([])).Item1);
    }

    [Fact]
    public async Task FiftyConcurrentRequestsCompleteWithMemoryStayingFlat()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        for (int i = 0; i < 10; i++) Assert.Equal(200, (await server.Get($"/api/render?seed={i}")).Status);
        long before = Rss();
        for (int round = 0; round < 2; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => server.Get($"/api/render?seed={100 * round + i}&psi=0.5")));
            Assert.All(results, result => Assert.Equal(200, result.Status));
            Assert.All(results, result => Assert.Equal(0x89, result.Body[0])); // PNG signature
        }
        long growth = Rss() - before;
        Assert.True(growth < 150L << 20, $"RSS grew by {growth >> 20} MiB over 100 renders");
        Assert.Equal(0, server.Server.Session!.Gate.Waiting);
    }

    [Fact]
    public async Task AProjectionRunsInTheBackgroundAndItsWsAreExplored()
    {
        await using var server = await ServerHarness.Start(Unconditional);
        var target = (await server.Get("/api/render?seed=21")).Body;
        using var response = await server.Http.PostAsync("/api/project?steps=12", new ByteArrayContent(target));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        string id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var watch = Stopwatch.StartNew();
        JsonElement progress;
        do
        {
            await Task.Delay(100);
            progress = JsonDocument.Parse((await server.Get($"/api/project/{id}")).Body).RootElement;
            Assert.True(progress.GetProperty("error").ValueKind == JsonValueKind.Null, progress.ToString());
        } while (!progress.GetProperty("done").GetBoolean() && watch.Elapsed < TimeSpan.FromMinutes(2));
        Assert.Equal(12, progress.GetProperty("step").GetInt32());
        Assert.Equal(200, (await server.Get($"/api/project/{id}/preview.png")).Status);

        var (npzStatus, npz) = await server.Get($"/api/project/{id}/ws.npz");
        Assert.Equal(200, npzStatus);
        string npzFile = Path.Combine(folder, "w.npz");
        File.WriteAllBytes(npzFile, npz);
        using var networks = NetworkFile.Load(server.Network, NetworkParts.Sampler);
        var sampler = new Sampler(networks.Sampler, batchSize: 1);
        var ws = SavedWs.Load(npzFile, sampler.NumWs, sampler.Generator.Config.WDim);
        Assert.Equal(ImageGrid.Png(sampler.Synthesize(ws)), (await server.Get($"/api/render?projection={id}")).Body);
        var command = JsonDocument.Parse((await server.Get($"/api/command?projection={id}")).Body).RootElement.GetProperty("command").GetString()!;
        Assert.Contains($"--projected-w {id}_w.npz", command);
    }

    [Fact]
    public async Task TheRunMonitorReadsARunWhileItIsBeingWritten()
    {
        string run = Path.Combine(folder, "00000-run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "stats.jsonl"),
            "{\"kimg\":4,\"loss/G\":1.5,\"timing/sec_per_kimg\":20}\n{\"kimg\":8,\"loss/G\":1.25,\"loss/D_r1\":0.1,\"timing/sec_per_kimg\":19}\n{\"kimg\":12,\"loss/G\":1.");
        File.WriteAllText(Path.Combine(run, "metric-fid50k_full.jsonl"),
            "{\"results\":{\"fid50k_full\":80.5},\"metric\":\"fid50k_full\",\"snapshot_pkl\":\"network-snapshot-000004.pkl\"}\n{\"results\":{\"fid50k_full\":60.25},\"kimg\":8}\n");
        var grid = randint(0, 256, [1, 4, 4], dtype: ScalarType.Byte);
        foreach (var name in new[] { "fakes_init.png", "fakes000004.png", "fakes000008.png", "fakesbad.png" }) ImageFile.SavePng(Path.Combine(run, name), grid);
        await using var server = await ServerHarness.Start(Unconditional, settings => settings with { Run = run });

        var status = JsonDocument.Parse((await server.Get("/api/run")).Body).RootElement;
        Assert.Equal([4.0, 8.0], status.GetProperty("kimg").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([1.5, 1.25], status.GetProperty("series").GetProperty("loss/G").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("series").GetProperty("loss/D_r1")[0].ValueKind);
        Assert.Equal("[[4,80.5],[8,60.25]]", status.GetProperty("metrics").GetProperty("fid50k_full").GetRawText());
        Assert.Equal("fakes000008.png", status.GetProperty("fakes").GetString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(run, "fakes000008.png")), (await server.Get("/api/run/fakes.png")).Body);

        // The tick being written completes; the next read has it.
        File.AppendAllText(Path.Combine(run, "stats.jsonl"), "0,\"timing/sec_per_kimg\":18}\n");
        status = JsonDocument.Parse((await server.Get("/api/run")).Body).RootElement;
        Assert.Equal(3, status.GetProperty("kimg").GetArrayLength());
        // And a network of the run folder can be opened.
        Assert.Contains(server.Network, JsonDocument.Parse((await server.Get("/api/networks")).Body).RootElement.GetProperty("files").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task CtrlCStopsTheServerCleanly()
    {
        string network = Path.Combine(folder, "net.pkl");
        File.Copy(ReferenceData.Fixture(Unconditional), network);
        using var server = await ServerProcess.Start(CliHarness.Dotnet, [CliHarness.Tool, "serve", "--network", network, "--port", "0", "--threads", "1"]);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{server.Url}/api/render?seed=2")).StatusCode);
        var (code, said) = await server.Interrupt();
        Assert.True(code == 0, said);
        Assert.Contains("Application is shutting down", said);
    }

    [Fact]
    public async Task ARelativeNetworkPathIsTheWorkingFoldersFile()
    {
        Directory.CreateDirectory(Path.Combine(folder, "runs"));
        File.Copy(ReferenceData.Fixture(Unconditional), Path.Combine(folder, "runs", "net.pkl"));
        using var server = await ServerProcess.Start(CliHarness.Dotnet, [CliHarness.Tool, "serve", "--network", "runs/net.pkl", "--run", "runs", "--port", "0", "--threads", "1"], folder);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{server.Url}/api/render?seed=2")).StatusCode);
        var (code, said) = await server.Interrupt();
        Assert.True(code == 0, said);
    }

    [Theory]
    [InlineData("--port", "99999", "--port")]
    [InlineData("--host", "localhost.invalid", "--host")]
    [InlineData("--max-upload-mb", "0", "--max-upload-mb")]
    [InlineData("--network", "missing.pkl", "--network")]
    [InlineData("--run", "no-such-folder", "--run")]
    public void ServeRefusesBadArguments(string flag, string value, string named)
    {
        var args = flag == "--network" ? new[] { "serve", flag, value } : ["serve", "--folder", folder, flag, value];
        var (code, error) = CliHarness.Run(args);
        Assert.Equal(1, code);
        Assert.StartsWith("stylegan: error:", error);
        Assert.Contains(named, error);
    }

    [Fact]
    public void APortInUseIsSaidInOneLineWithoutAStackTrace()
    {
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            string network = Path.Combine(folder, "net.pkl");
            File.Copy(ReferenceData.Fixture(Unconditional), network);
            var output = new StringWriter();
            var original = Console.Out;
            Console.SetOut(output);
            int code;
            string error;
            try { (code, error) = CliHarness.Run("serve", "--network", network, "--port", port.ToString(), "--threads", "1"); }
            finally { Console.SetOut(original); }
            Assert.Equal(1, code);
            Assert.StartsWith($"stylegan: error: --port {port}:", error);
            Assert.Contains("address already in use", error);
            Assert.DoesNotContain("   at ", output.ToString() + error);
        }
        finally
        {
            taken.Stop();
        }
    }

    // How two PNGs of one size differ in their pixels, for a failure's message.
    static string PixelDiff(byte[] a, byte[] b)
    {
        using var first = SkiaSharp.SKBitmap.Decode(a);
        using var second = SkiaSharp.SKBitmap.Decode(b);
        var differences = first.Bytes.Zip(second.Bytes, (p, q) => Math.Abs(p - q)).Where(d => d > 0).ToList();
        return $"{differences.Count} pixel bytes differ, by at most {(differences.Count == 0 ? 0 : differences.Max())}";
    }

    static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
