using System.CommandLine;
using Microsoft.Extensions.Logging;
using StyleGan.Editing;
using StyleGan.Serve;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan serve</c>: the explorer page for a network, and a training run's progress, on a local web server.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var network = new Option<string?>("--network") { Description = "Network to explore: ours, converted, an NVIDIA .pkl (PyTorch or TensorFlow-era) or a rosinality .pt" }.Sets("Network");
        var run = new Option<string?>("--run") { Description = "Training run folder to monitor (stats.jsonl, fakes grids, metric-*.jsonl)" }.Sets("Run");
        var folders = new Option<string[]>("--folder") { Description = "Another folder the page may open networks from; repeatable (the network's and the run's folders are always allowed)" }.Sets("Folders");
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free one)", DefaultValueFactory = _ => 7860 }.Sets("Port");
        var host = new Option<string>("--host") { Description = "Address to bind: 127.0.0.1 (this machine only) or e.g. 0.0.0.0 (every network it is on)", DefaultValueFactory = _ => "127.0.0.1" };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest image upload accepted for projection, in MiB", DefaultValueFactory = _ => 16 }.Sets("MaxUploadBytes");
        var vgg = new Option<string?>("--vgg") { Description = "torchvision's vgg16-397923af.pth for LPIPS in projections (default: in $STYLEGAN_CACHE); without it the pixel loss" }.Sets(Metrics.Lpips.VggSetting);
        var modconv = CommonOptions.Modconv();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("serve", "Explore a network in the browser (seeds, mixing, truncation, noise, layers, directions, projection) and watch a training run.")
            { network, run, folders, port, host, maxUpload, vgg, modconv, threads, device };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            if (!System.Net.IPAddress.TryParse(parse.GetValue(host), out var address))
                throw new UsageException($"--host '{parse.GetValue(host)}' is not an IP address; give 127.0.0.1 for this machine only, or 0.0.0.0 for every network.");
            // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is bound as the IPv4 address it is.
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            int megabytes = parse.GetValue(maxUpload);
            if (megabytes is < 1 or > 1024) throw new UsageException($"--max-upload-mb {megabytes} is outside [1, 1024].");
            var settings = new ServeSettings
            {
                Network = parse.GetValue(network),
                Run = parse.GetValue(run),
                Folders = parse.GetValue(folders) ?? [],
                Host = address.ToString(),
                Port = parse.GetValue(port),
                MaxUploadBytes = (long)megabytes << 20,
            };
            if (settings.Network is null && settings.Run is null && settings.Folders.Count == 0)
                throw new UsageException("give --network, --run or --folder: what the page explores or watches.");
            settings.Validate();
            var computeDevice = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            CommonOptions.ApplyModconv(parse.GetValue(modconv)!);
            // The VGG16 weights are looked for (and fetched) when a projection first asks for them, not at every start.
            if (parse.GetValue(vgg) is string vggFile) Files.InputFile.Require(vggFile, "VGG16 weights file");
            var lpips = new Lazy<Metrics.Lpips?>(() => ProjectCommand.LoadLpips(parse.GetValue(vgg), computeDevice));
            settings = settings with
            {
                Device = computeDevice,
                ProjectionDistance = _ => lpips.Value is { } loaded ? loaded.ProjectionDistance() : ImageDistance.PixelMultiScale,
            };

            // A host that cannot start is said in one line below (a port in use, say), not logged with its stack trace too.
            var server = new ExploreServer(settings, logging => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None));
            try
            {
                server.StartAsync().GetAwaiter().GetResult();
                if (server.Session is { } session) Console.WriteLine($"Exploring {session.Info.Path} ({session.Info.Format}).");
                if (!System.Net.IPAddress.IsLoopback(address))
                    Console.WriteLine($"  note: listening on {address}: anyone who can reach this machine can use the page (by this machine's address or name).");
                Console.WriteLine($"Open {server.Url} in a browser. Ctrl-C stops the server.");
                server.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--port {settings.Port}: {e.Message} Give another --port, or 0 for any free one.");
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (lpips.IsValueCreated) lpips.Value?.Dispose();
            }
            return 0;
        }));
        return command;
    }
}
