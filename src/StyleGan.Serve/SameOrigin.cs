using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>
/// Keeps other web sites out, answering them 403. A request must name this server in its Host header by a name it
/// was started for: 127.0.0.1, localhost, [::1], the bound address, and where it listens on every address, this
/// machine's own addresses and name; a page on another site that makes its name resolve to 127.0.0.1 (DNS rebinding)
/// sends its own name and is refused. A request that changes state (any method but GET and HEAD) must come from this
/// server's own page where a browser sent it: its Origin (without one, its Referer) must be this server, and its
/// Sec-Fetch-Site, where sent, same-origin. A client that is no browser sends none of these and is let through: only
/// a browser carries another site's requests with the user's reach.
/// </summary>
public sealed class SameOrigin
{
    readonly HashSet<string> names = new(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]" };

    /// <param name="host">The address the server binds (an IP address).</param>
    public SameOrigin(string host)
    {
        var address = IPAddress.Parse(host);
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            names.Add(Dns.GetHostName());
            foreach (var own in NetworkInterface.GetAllNetworkInterfaces().SelectMany(network => network.GetIPProperties().UnicastAddresses))
                names.Add(Name(own.Address));
        }
        else
        {
            names.Add(Name(address));
        }
    }

    /// <summary>The host names requests may give.</summary>
    public IReadOnlyCollection<string> Names => names;

    /// <summary>How a browser on this machine reaches a server bound to <paramref name="host"/>: loopback for an address that means every address.</summary>
    /// <param name="host">The bound address.</param>
    public static string BrowserHost(string host)
    {
        var address = IPAddress.Parse(host);
        if (address.Equals(IPAddress.Any)) return "127.0.0.1";
        if (address.Equals(IPAddress.IPv6Any)) return "[::1]";
        return Name(address);
    }

    /// <summary>The middleware: refuses a request another site could have made, else passes it on.</summary>
    public Task Check(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!names.Contains(request.Host.Host))
            throw new RequestException($"host: this server answers to {string.Join(", ", names.Order())} only, not to '{request.Host}'; " +
                "a page of another site that points its own name at this machine is refused.", StatusCodes.Status403Forbidden);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return next(context);
        var headers = request.Headers;
        string? source = headers.Origin.Count > 0 ? headers.Origin.ToString() : headers.Referer.Count > 0 ? headers.Referer.ToString() : null;
        if (source is not null && !IsOwn(source, context.Connection.LocalPort))
            throw new RequestException($"origin: a {request.Method} sent by the page '{source}' is refused: only this server's own page may change what it shows.", StatusCodes.Status403Forbidden);
        string site = headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            throw new RequestException($"origin: a {request.Method} from a {site} page is refused: only this server's own page may change what it shows.", StatusCodes.Status403Forbidden);
        return next(context);
    }

    bool IsOwn(string source, int port) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && names.Contains(uri.Host) && uri.Port == port;

    // As a Host header writes it: an IPv6 address in brackets, without its scope.
    static string Name(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{new IPAddress(address.GetAddressBytes())}]" : address.ToString();
}
