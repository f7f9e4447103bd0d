using StyleGan.Editing;
using StyleGan.Files;
using static TorchSharp.torch;

namespace StyleGan.Serve;

/// <summary>How <see cref="ExploreServer"/> runs: what it opens, where it listens, and its bounds.</summary>
public sealed record ServeSettings
{
    /// <summary>The network opened at start, or null (the page then opens one from the list).</summary>
    public string? Network { get; init; }

    /// <summary>A training run folder whose progress the page shows, or null.</summary>
    public string? Run { get; init; }

    /// <summary>More folders the page may open networks from (the network's and the run's folders are always allowed).</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    /// <summary>The address to bind (loopback unless said otherwise).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port (0: any free one).</summary>
    public int Port { get; init; } = 7860;

    /// <summary>Where the networks run.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The largest upload (an image to project) accepted, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 16L << 20;

    /// <summary>The most render requests that may wait for a network at once.</summary>
    public int MaxWaiting { get; init; } = 64;

    /// <summary>What projections minimize (LPIPS where its weights are at hand; the pixel loss otherwise).</summary>
    public Func<Device, ImageDistance> ProjectionDistance { get; init; } = _ => ImageDistance.PixelMultiScale;

    /// <summary>Refuses settings that cannot serve, naming the value.</summary>
    public void Validate()
    {
        if (Network is null && Run is null && Folders.Count == 0)
            throw new InvalidValueException("Network", "give a network, a run folder or a folder to serve from.");
        if (!System.Net.IPAddress.TryParse(Host, out var address))
            throw new InvalidValueException("Host", $"'{Host}' is not an IP address; give 127.0.0.1 for this machine only, or 0.0.0.0 for every network.");
        if (address.IsIPv4MappedToIPv6)
            throw new InvalidValueException("Host", $"{Host} is an IPv4 address written as IPv6; give it as {address.MapToIPv4()}.");
        if (Port is < 0 or > 65535) throw new InvalidValueException("Port", $"the port {Port} is outside [0, 65535].");
        if (MaxUploadBytes is < 1024 or > 1L << 30) throw new InvalidValueException("MaxUploadBytes", $"{MaxUploadBytes} bytes is outside [1 KiB, 1 GiB].");
        if (MaxWaiting is < 1 or > 10000) throw new InvalidValueException("MaxWaiting", $"{MaxWaiting} is outside [1, 10000].");
        if (Network is not null) InputFile.Require(Network, "Network file");
        if (Run is not null) RequireFolder(Run, "Run", "Run folder");
        foreach (var folder in Folders) RequireFolder(folder, "Folders", "Folder");
    }

    // A folder that is not there is a FileNotFoundException naming it, as every missing input the library reads, so
    // that a front end can name the option that gave it.
    static void RequireFolder(string path, string setting, string what)
    {
        if (Directory.Exists(path)) return;
        if (PathIdentity.Target(path) == PathKind.Missing) throw new FileNotFoundException($"{what} {path} does not exist.", path);
        throw new InvalidValueException(setting, $"{path} is not a folder.");
    }

    /// <summary>The folders file access is limited to.</summary>
    public IEnumerable<string> AllowedFolders()
    {
        // The folder the network was named in, and the one it is in where that name is a link.
        if (Network is not null) yield return Path.GetDirectoryName(Path.GetFullPath(Network))!;
        if (Network is not null) yield return Path.GetDirectoryName(PathIdentity.RealPath(Network))!;
        if (Run is not null) yield return Path.GetFullPath(Run);
        foreach (var folder in Folders) yield return Path.GetFullPath(folder);
    }
}
