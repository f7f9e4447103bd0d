using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using StyleGan.Networks;
using StyleGan.Serialization;
using StyleGan.Serve;

namespace StyleGan.Bench;

/// <summary>The explorer page's render endpoint at one bench shape, measured from an HTTP client on loopback.</summary>
/// <param name="Shape">The bench shape.</param>
/// <param name="Requests">Requests in the latency series (one at a time).</param>
/// <param name="MedianMs">Median time from request to last byte, one client.</param>
/// <param name="P95Ms">95th percentile of the same.</param>
/// <param name="MedianRenderMs">Median of the server's own render time (X-Render-Ms): mapping, synthesis and PNG.</param>
/// <param name="Clients">Concurrent clients in the load series.</param>
/// <param name="LoadRequests">Requests the clients made together.</param>
/// <param name="RequestsPerSecond">Images answered per second under that load.</param>
/// <param name="LoadP95Ms">95th percentile request time under load (each waits for the renders ahead of it).</param>
/// <param name="Refused">Requests of the load series answered other than 200 (409 coalesced, 429 too many waiting).</param>
/// <param name="RssBeforeMb">The process's resident memory before the load series.</param>
/// <param name="RssAfterMb">The same after it.</param>
/// <param name="RssAfterRepeatMb">The same after the load series ran a second time: flat memory repeats, a leak grows again.</param>
public sealed record ServeResult(string Shape, int Requests, double MedianMs, double P95Ms, double MedianRenderMs,
    int Clients, int LoadRequests, double RequestsPerSecond, double LoadP95Ms, int Refused, double RssBeforeMb, double RssAfterMb, double RssAfterRepeatMb);

public static class ServeBench
{
    /// <summary>
    /// Each shape's generator (random weights) written as a network file and served by <see cref="ExploreServer"/> on a
    /// free loopback port: <paramref name="requests"/> renders one after another (seed i, psi 0.7), then
    /// <paramref name="clients"/> clients with their own client ids making <paramref name="perClient"/> requests each.
    /// </summary>
    public static List<ServeResult> Run(IEnumerable<BenchShape> shapes, int warmup, int requests, int clients, int perClient)
    {
        var results = new List<ServeResult>();
        foreach (var shape in shapes)
            results.Add(Measure(shape, warmup, requests, clients, perClient).GetAwaiter().GetResult());
        return results;
    }

    static async Task<ServeResult> Measure(BenchShape shape, int warmup, int requests, int clients, int perClient)
    {
        string folder = Directory.CreateTempSubdirectory("serve-bench").FullName;
        try
        {
            string network = Path.Combine(folder, $"{shape.Name}.safetensors");
            using (var generator = new Generator(shape.G))
                NetworkFile.Write(network, NetworkFile.NetworkFormat, null, null, generator, [], new Dictionary<string, string>());
            await using var server = new ExploreServer(new ServeSettings { Network = network, Port = 0 }, logging => logging.ClearProviders());
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(10) };

            async Task<(double Ms, int Status, double RenderMs)> Render(int seed, int client)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync($"/api/render?x={seed}&psi=0.7&client={client}");
                await response.Content.ReadAsByteArrayAsync();
                double renderMs = response.Headers.TryGetValues("X-Render-Ms", out var values) ? double.Parse(values.First(), CultureInfo.InvariantCulture) : double.NaN;
                return (watch.Elapsed.TotalMilliseconds, (int)response.StatusCode, renderMs);
            }

            for (int i = 0; i < warmup; i++) await Render(1000 + i, 0);
            var series = new List<(double Ms, int Status, double RenderMs)>();
            for (int i = 0; i < requests; i++) series.Add(await Render(i, 0));
            if (series.Any(r => r.Status != 200)) throw new InvalidOperationException($"{shape.Name}: a lone client's render was refused.");

            async Task<(List<(double Ms, int Status, double RenderMs)> All, double Seconds)> Load()
            {
                var load = Stopwatch.StartNew();
                var perClientTimes = await Task.WhenAll(Enumerable.Range(1, clients).Select(async client =>
                {
                    var times = new List<(double Ms, int Status, double RenderMs)>();
                    for (int i = 0; i < perClient; i++) times.Add(await Render(client * 1000 + i, client));
                    return times;
                }));
                return (perClientTimes.SelectMany(t => t).ToList(), load.Elapsed.TotalSeconds);
            }

            double rssBefore = RssMb();
            var (all, seconds) = await Load();
            double rssAfter = RssMb();
            await Load();
            int answered = all.Count(r => r.Status == 200);
            return new ServeResult(shape.Name, requests, Percentile(series.Select(r => r.Ms), 0.5), Percentile(series.Select(r => r.Ms), 0.95),
                Percentile(series.Select(r => r.RenderMs), 0.5), clients, all.Count, answered / seconds, Percentile(all.Select(r => r.Ms), 0.95),
                all.Count - answered, rssBefore, rssAfter, RssMb());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The nearest-rank percentile.
    static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    static double RssMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Process.GetCurrentProcess().WorkingSet64 / 1048576.0; // the resident set on Linux, as the training log's rss_mb
    }

    public static Table Table(IEnumerable<ServeResult> results, int threads)
    {
        var table = new Table().Title($"stylegan serve: /api/render at batch 1 (psi 0.7, noise const), HTTP on loopback, {threads} threads");
        foreach (var column in new[] { "shape", "requests", "median ms", "p95 ms", "render ms (server)", "clients", "load requests", "requests/s", "load p95 ms", "refused", "RSS MB before / after load / after it again" })
            table.AddColumn(column);
        foreach (var r in results)
            table.AddRow(r.Shape, r.Requests.ToString(), $"{r.MedianMs:F1}", $"{r.P95Ms:F1}", $"{r.MedianRenderMs:F1}", r.Clients.ToString(), r.LoadRequests.ToString(),
                $"{r.RequestsPerSecond:F2}", $"{r.LoadP95Ms:F0}", r.Refused.ToString(), $"{r.RssBeforeMb:F0} / {r.RssAfterMb:F0} / {r.RssAfterRepeatMb:F0}");
        return table;
    }
}
