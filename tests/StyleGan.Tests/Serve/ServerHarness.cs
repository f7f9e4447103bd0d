using Microsoft.Extensions.Logging;
using StyleGan.Serve;

namespace StyleGan.Tests.Serve;

/// <summary>A running explorer server (Kestrel on a free loopback port) over a copy of a fixture network in a folder of its own.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    ServerHarness(string folder, string network, ExploreServer server)
    {
        Folder = folder;
        Network = network;
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>The allowed folder the network was copied into.</summary>
    public string Folder { get; }

    /// <summary>The network the server opened.</summary>
    public string Network { get; }

    public ExploreServer Server { get; }

    public HttpClient Http { get; }

    /// <param name="fixture">A network under tests/fixtures.</param>
    /// <param name="adjust">Changes to the settings (the network, port 0 and the folder are set).</param>
    public static async Task<ServerHarness> Start(string fixture, Func<ServeSettings, ServeSettings>? adjust = null)
    {
        string folder = Directory.CreateTempSubdirectory("serve-test").FullName;
        string network = Path.Combine(folder, Path.GetFileName(fixture));
        File.Copy(ReferenceData.Fixture(fixture), network);
        var settings = new ServeSettings { Network = network, Port = 0 };
        var server = new ExploreServer(adjust is null ? settings : adjust(settings), logging => logging.ClearProviders());
        await server.StartAsync();
        return new ServerHarness(folder, network, server);
    }

    /// <summary>The body and status of a GET.</summary>
    public async Task<(int Status, byte[] Body)> Get(string path)
    {
        using var response = await Http.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The refusal message of a request answered with an error.</summary>
    public static string Error(byte[] body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync();
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
