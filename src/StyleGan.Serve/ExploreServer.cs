using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StyleGan.Generation;

namespace StyleGan.Serve;

/// <summary>
/// The explorer's web server (Kestrel): the embedded page and its JSON/PNG API over one open network, a training
/// run's progress, and projections. Start it, read <see cref="Url"/>, stop it (or dispose).
/// </summary>
public sealed class ExploreServer : IAsyncDisposable
{
    readonly ServeSettings settings;
    readonly FolderAccess access;
    readonly SameOrigin origin;
    readonly Projections projections;
    readonly RunMonitor? run;
    readonly object sessionSync = new();
    readonly WebApplication app;
    ExploreSession? session;

    /// <param name="settings">What to open and where to listen; validated here.</param>
    /// <param name="configureLogging">Adjusts the logging (null: ASP.NET Core's console logging).</param>
    public ExploreServer(ServeSettings settings, Action<ILoggingBuilder>? configureLogging = null)
    {
        settings.Validate();
        this.settings = settings;
        access = new FolderAccess(settings.AllowedFolders());
        origin = new SameOrigin(settings.Host);
        projections = new Projections(settings.ProjectionDistance, path => access.OpenRead("network", path));
        run = settings.Run is null ? null : new RunMonitor(settings.Run);
        // The network of the settings is relative to the working folder, as a command line means it (a page's
        // path is relative to the first served folder).
        if (settings.Network is not null)
        {
            string network = Files.PathIdentity.RealPath(settings.Network);
            session = new ExploreSession(access.OpenRead("network", network), network, settings.Device, settings.MaxWaiting);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = settings.MaxUploadBytes;
            kestrel.Listen(System.Net.IPAddress.Parse(settings.Host), settings.Port);
        });
        app = builder.Build();
        Logger = app.Logger;
        app.Use(Refusals);
        app.Use(origin.Check);
        var page = new EmbeddedFileProvider(typeof(ExploreServer).Assembly, "StyleGan.Serve.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        MapApi(app);
    }

    /// <summary>The server's log.</summary>
    public ILogger Logger { get; }

    /// <summary>
    /// The address to open in a browser on this machine, once started (with the port it got when asked for any): the
    /// bound address, or loopback where the server listens on every address.
    /// </summary>
    public string Url
    {
        get
        {
            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return $"http://{SameOrigin.BrowserHost(settings.Host)}:{bound.Port}";
        }
    }

    /// <summary>The open network, or null.</summary>
    public ExploreSession? Session { get { lock (sessionSync) return session; } }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancel = default) => app.StartAsync(cancel);

    /// <summary>After <see cref="StartAsync"/>: returns when the process is asked to stop (Ctrl-C, SIGTERM) and the server has stopped.</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    /// <summary>Stops listening, letting requests in flight finish.</summary>
    public Task StopAsync(CancellationToken cancel = default) => app.StopAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        projections.Dispose();
        session?.Dispose();
    }

    // A refused request gets its status and message as JSON ({"error": ...}); a bug is a 500 that says so, with its
    // stack trace in the log.
    async Task Refusals(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client left; nobody reads an answer
        }
        catch (Exception e) when (e is not (RequestException or InvalidValueException or BadHttpRequestException))
        {
            Logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted) throw;
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new { error = $"internal error, a bug: {e.GetType().Name}: {e.Message} (the server's log has its stack trace)." });
        }
        catch (Exception e)
        {
            (int status, string message) = e switch
            {
                RequestException r => (r.Status, r.Message),
                BadHttpRequestException b when b.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                    (StatusCodes.Status413PayloadTooLarge, $"upload: larger than the {settings.MaxUploadBytes:N0} bytes this server accepts (--max-upload-mb)."),
                BadHttpRequestException b => (b.StatusCode, b.Message),
                _ => (StatusCodes.Status400BadRequest, e.Message),
            };
            if (context.Response.HasStarted) throw;
            context.Response.Clear();
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = message });
        }
    }

    // The routes that only read answer HEAD as GET.
    static readonly string[] Reading = [HttpMethods.Get, HttpMethods.Head];

    ExploreSession Current() => Session ?? throw new RequestException("network: no network is open; open one first.", StatusCodes.Status409Conflict);

    void MapApi(WebApplication web)
    {
        web.MapMethods("/api/state", Reading, () => Results.Json(new
        {
            network = Session?.Info,
            run = run?.Folder,
            folders = access.Roots,
        }));

        web.MapMethods("/api/networks", Reading, () => Results.Json(new
        {
            files = access.NetworkFiles(),
            runs = access.RunFolders(),
        }));

        web.MapPost("/api/open", (HttpRequest request) =>
        {
            ViewQuery.RequireKnown(request.Query, ["path"]);
            string path = access.Network(request.Query["path"].ToString());
            ExploreSession opened;
            try { opened = new ExploreSession(access.OpenRead("path", path), path, settings.Device, settings.MaxWaiting); }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                throw new RequestException($"path: {e.Message}", StatusCodes.Status415UnsupportedMediaType);
            }
            ExploreSession? previous;
            lock (sessionSync) (previous, session) = (session, opened);
            Logger.LogInformation("Opened {Path}", path);
            // The old network goes once its last render is done; a request still waiting for it then renders the new one.
            previous?.Gate.Run(null, () => { previous.Dispose(); return 0; }, CancellationToken.None);
            return Results.Json(opened.Info);
        });

        web.MapMethods("/api/render", Reading, async (HttpRequest request) =>
        {
            var current = Current();
            var state = ViewQuery.Parse(request.Query, current.Info);
            var result = await current.Gate.Run(ViewQuery.Client(request.Query), () =>
            {
                using var projected = state.Projection is null ? null : projections.Ws(state.Projection, current.Info);
                return current.Render(state, projected);
            }, request.HttpContext.RequestAborted);
            var headers = request.HttpContext.Response.Headers;
            headers["X-Render-Ms"] = result.Milliseconds.ToString("F1", CultureInfo.InvariantCulture);
            headers["X-Seed"] = result.Seed.ToString(CultureInfo.InvariantCulture);
            headers["X-Stats"] = JsonSerializer.Serialize(result.Statistics);
            headers.CacheControl = "no-store";
            return Results.Bytes(result.Png, "image/png");
        });

        web.MapMethods("/api/command", Reading, (HttpRequest request) =>
        {
            var current = Current();
            var state = ViewQuery.Parse(request.Query, current.Info);
            return Results.Json(new { command = GenerateCommandLine.For(state, current.Info, state.Projection is null ? null : $"{state.Projection}_w.npz") });
        });

        web.MapPost("/api/project", async (HttpRequest request) =>
        {
            var current = Current();
            var (steps, classIndex) = ProjectQuery.Parse(request.Query, current.Info);
            if (request.ContentLength is long length && length > settings.MaxUploadBytes)
                throw new RequestException($"upload: {length:N0} bytes, more than the {settings.MaxUploadBytes:N0} this server accepts (--max-upload-mb).", StatusCodes.Status413PayloadTooLarge);
            async Task<byte[]> ReadUpload()
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
                return body.ToArray();
            }
            return Results.Json(await projections.Start(current, ReadUpload, steps, classIndex));
        });

        web.MapMethods("/api/project/{id}", Reading, (string id) => Results.Json(projections.Get(id).Progress));
        web.MapMethods("/api/project/{id}/preview.png", Reading, (string id) => Results.Bytes(projections.Get(id).PreviewPng(), "image/png"));
        web.MapMethods("/api/project/{id}/ws.npz", Reading, (string id) =>
        {
            using var ws = projections.Ws(id, Current().Info);
            using var npz = new MemoryStream();
            SavedWs.WriteNpz(npz, ws);
            return Results.File(npz.ToArray(), "application/octet-stream", $"{id}_w.npz");
        });

        web.MapMethods("/api/run", Reading, () =>
        {
            var status = (run ?? throw new RequestException("run: this server was started without --run.", StatusCodes.Status404NotFound)).Read();
            return Results.Json(new
            {
                kimg = status.Kimg,
                series = status.Series,
                metrics = status.Metrics.ToDictionary(pair => pair.Key, pair => pair.Value.Select(point => new[] { point.Kimg, point.Value })),
                fakes = status.Fakes,
            }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        });
        web.MapMethods("/api/run/fakes.png", Reading, () =>
        {
            var monitor = run ?? throw new RequestException("run: this server was started without --run.", StatusCodes.Status404NotFound);
            // A regular file's length is known when it is opened: the answer is that many bytes, streamed.
            var file = monitor.OpenNewestFakes() ?? throw new RequestException("run: no fakes grid has been written yet.", StatusCodes.Status404NotFound);
            return Results.File(file, "image/png");
        });
    }
}
