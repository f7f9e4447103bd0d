using System.Security.Cryptography;

namespace StyleGan.Runtime;

/// <summary>
/// A weight file that others publish and the library reads: a path the user gives, else the file under its published
/// name in the <see cref="CacheFolder"/>, else downloaded there from its address on first use (checked against its
/// published digest before it is kept). Offline (<c>STYLEGAN_OFFLINE=1</c>, or no network), the refusal says where to
/// get it and where to put it.
/// </summary>
/// <param name="Name">The published file name, which is also its name in the cache folder.</param>
/// <param name="Address">Where it is published.</param>
/// <param name="Sha256Prefix">The leading hex digits of its SHA-256 as published (torchvision names its files
/// <c>name-&lt;first 8 digits&gt;.pth</c>), or null where none is published.</param>
public sealed record PublishedFile(string Name, string Address, string? Sha256Prefix = null)
{
    /// <summary>The environment variable that forbids downloads when it is "1": for machines that must not reach out, and for tests.</summary>
    public const string OfflineVariable = "STYLEGAN_OFFLINE";

    /// <summary>Told how a download goes: the file's name, the bytes so far, and the total when the server says it. A front end shows a bar.</summary>
    public static Action<string, long, long?>? DownloadProgress { get; set; }

    // One client for the process, as HttpClient is meant to be used; weights take minutes on a slow line, not hours.
    static readonly Lazy<HttpClient> Client = new(() => new HttpClient { Timeout = TimeSpan.FromHours(1) });

    /// <summary>Where the file is looked for when no path is given.</summary>
    public string CachePath => System.IO.Path.Combine(CacheFolder.Path, Name);

    /// <summary>
    /// The path to read: <paramref name="path"/> when given, else <see cref="CachePath"/>, downloaded when it is not
    /// there. A file found in or downloaded to the cache folder is checked against <see cref="Sha256Prefix"/>, since
    /// the library chose it by name alone; a path the user gives is read as it is (it may be another file of the same
    /// layout on purpose), and is a FileNotFoundException naming it (FileName) when it is not there.
    /// </summary>
    /// <param name="path">The file the user named, or null.</param>
    /// <param name="setting">The setting that names the file (see InvalidValueException.Name), named in the refusal when none is given and none can be had.</param>
    /// <param name="what">What the file is, starting the refusal, e.g. "torchvision's VGG16 weights".</param>
    public string Locate(string? path, string setting, string what)
    {
        if (path is not null)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"{what}: {path} does not exist. The published file is {Name}, from {Address}.", path);
            return path;
        }
        var cached = CachePath;
        if (!File.Exists(cached))
        {
            string putItThere = $"download {Address} and put it in the cache folder {CacheFolder.Path} as {Name}, or give the file's path as `{setting}` " +
                $"(the folder is ${CacheFolder.Variable} when set, else ~/.cache/stylegan).";
            if (Environment.GetEnvironmentVariable(OfflineVariable) == "1")
                throw new InvalidValueException(setting, $"{what}: {Name} is not in the cache folder and ${OfflineVariable}=1 forbids downloading it: {putItThere}");
            try
            {
                Download(cached);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidValueException(setting, $"{what}: {Name} is not in the cache folder and could not be downloaded ({e.Message}): {putItThere}");
            }
            return cached;
        }
        if (Sha256Prefix is not null) Verify(Files.FileDigest.Sha256(cached, Name), cached);
        return cached;
    }

    // Written beside the cache file and renamed into place only once whole and verified, so a broken or forged download is never read.
    void Download(string destination)
    {
        using var response = Client.Value.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{Address} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        long? total = response.Content.Headers.ContentLength;
        Files.AtomicFile.Write(destination, file =>
        {
            using var source = response.Content.ReadAsStream();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            long done = 0;
            DownloadProgress?.Invoke(Name, 0, total);
            for (int read; (read = source.Read(buffer)) > 0;)
            {
                file.Write(buffer, 0, read);
                hash.AppendData(buffer, 0, read);
                done += read;
                DownloadProgress?.Invoke(Name, done, total);
            }
            if (total is long expected && done != expected) throw new IOException($"the download of {Address} ended after {done} of {expected} bytes");
            Verify(Convert.ToHexStringLower(hash.GetHashAndReset()), Address);
        });
    }

    void Verify(string digest, string origin)
    {
        if (Sha256Prefix is not null && !digest.StartsWith(Sha256Prefix, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{origin}: its SHA-256 is {digest}, which does not start with {Sha256Prefix} as the published {Name} does: " +
                $"the file is damaged or another one; download {Address} again.");
    }
}
