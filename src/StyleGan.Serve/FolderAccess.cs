using Microsoft.AspNetCore.Http;
using StyleGan.Files;

namespace StyleGan.Serve;

/// <summary>
/// The folders the page may read from: those named on the command line, nothing else, under one rule
/// (<see cref="ConfinedFiles"/>) for opening and listing alike. A refusal is the request's answer: 404 where
/// nothing is there inside the folders, 403 where the path leads outside them or to no regular file.
/// </summary>
public sealed class FolderAccess
{
    /// <summary>Extensions of the network files the page lists and opens.</summary>
    public static readonly IReadOnlyList<string> NetworkExtensions = [".safetensors", ".pkl", ".pt"];

    /// <summary>How many sub-folder levels listings look into.</summary>
    public const int ListingDepth = 2;

    /// <summary>The most entries a listing returns.</summary>
    public const int ListingLimit = 200;

    readonly ConfinedFiles files;

    /// <param name="folders">The allowed folders; each must exist.</param>
    public FolderAccess(IEnumerable<string> folders) => files = new ConfinedFiles(folders);

    /// <summary>The allowed folders, resolved.</summary>
    public IReadOnlyList<string> Roots => files.Roots;

    /// <summary>The real path of the network file a request names, or its refusal.</summary>
    /// <param name="requested">The path as the page sent it: absolute, or relative to the first folder.</param>
    public string Network(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) throw new RequestException("path: give the path of a network file.");
        string path = Checked("path", requested, () => files.Resolve(requested));
        if (!NetworkExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            throw new RequestException($"path: {requested} is not a network file ({string.Join(", ", NetworkExtensions)}).", StatusCodes.Status415UnsupportedMediaType);
        return path;
    }

    /// <summary>A file of the folders opened to read, checked to be the file the rule let through.</summary>
    /// <param name="parameter">The request's name for the path, starting a refusal.</param>
    /// <param name="path">The file.</param>
    public FileStream OpenRead(string parameter, string path) => Checked(parameter, path, () => files.OpenRead(path));

    /// <summary>The bytes of a file of the folders, refused past <paramref name="maxBytes"/> read.</summary>
    /// <param name="parameter">The request's name for the path, starting a refusal.</param>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes read.</param>
    public byte[] ReadAllBytes(string parameter, string path, long maxBytes) => Checked(parameter, path, () => files.ReadAllBytes(path, maxBytes));

    /// <summary>The files the rule lets be read in the allowed folders and their sub-folders, as real paths.</summary>
    /// <param name="wanted">Which real paths to list.</param>
    /// <param name="depth">How many sub-folder levels to look into.</param>
    public IReadOnlyList<string> Files(Func<string, bool> wanted, int depth) => files.List(wanted, depth, int.MaxValue);

    /// <summary>Network files in the allowed folders and their sub-folders, newest first.</summary>
    public IReadOnlyList<string> NetworkFiles() =>
        files.List(file => NetworkExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()), ListingDepth, ListingLimit)
            .OrderByDescending(File.GetLastWriteTimeUtc).ToList();

    /// <summary>Folders in the allowed folders (themselves included) that hold a training run's stats.jsonl.</summary>
    public IReadOnlyList<string> RunFolders() =>
        files.List(file => Path.GetFileName(file) == "stats.jsonl", ListingDepth, ListingLimit).Select(file => Path.GetDirectoryName(file)!).Distinct().ToList();

    /// <summary>A refusal of the read rule as the request's answer.</summary>
    /// <param name="parameter">The request's name for the path.</param>
    /// <param name="refusal">The rule's refusal.</param>
    public static RequestException Refused(string parameter, ReadRefusedException refusal) =>
        new($"{parameter}: {refusal.Message}{(refusal.Reason == ReadRefusal.Outside && parameter == "path" ? " Start `stylegan serve` with --folder naming its folder." : "")}", refusal.Reason switch
        {
            ReadRefusal.Missing => StatusCodes.Status404NotFound,
            ReadRefusal.Changed => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status403Forbidden,
        });

    static T Checked<T>(string parameter, string path, Func<T> read)
    {
        try { return read(); }
        catch (ReadRefusedException e) { throw Refused(parameter, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RequestException($"{parameter}: {path} cannot be read ({e.Message}).", StatusCodes.Status403Forbidden);
        }
    }
}
