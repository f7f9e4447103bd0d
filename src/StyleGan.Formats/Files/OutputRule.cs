namespace StyleGan.Files;

/// <summary>
/// The one overwrite rule of everything that writes a path a user named: nothing there is replaced unless replacing
/// was allowed (`Force`), and never, forced or not, an input, a folder that holds an input, or something that is
/// not a regular file (a device, FIFO, socket or link), which replacing would break. "Is an input" is decided by
/// identity (see <see cref="PathIdentity"/>), not by spelling. Each check runs when called, so a caller checks every
/// path before its work starts, and a refusal leaves everything as it was.
/// </summary>
/// <param name="setting">
/// The setting that names the paths checked, named by every refusal (InvalidValueException.Name): an options
/// property for the library (nameof(DatasetToolOptions.Destination)); a front end may pass its own spelling.
/// </param>
/// <param name="force">Whether an existing regular file (or a non-empty folder written whole) may be replaced.</param>
/// <param name="inputs">Every file and folder the work reads; null entries (inputs not given) are left out.</param>
public sealed class OutputRule(string setting, bool force, params IEnumerable<string?> inputs)
{
    // An empty input names nothing that could be overwritten (its reader refuses it).
    readonly string[] inputs = inputs.OfType<string>().Where(input => input.Length > 0).ToArray();

    /// <summary>A file to write: nothing is there, or (with force) a regular file that is no input; its folder exists or can be made, and is writable.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its full path.</returns>
    public string File(string path)
    {
        string full = FullPath(path);
        // A folder is never a file to write, whatever it holds; said first, as "it holds the input" would mislead.
        if (PathIdentity.Kind(full) == PathKind.Folder) throw Refused($"{full} is a folder; name the file to write.");
        RequireNoInput(full);
        switch (PathIdentity.Kind(full))
        {
            case PathKind.Missing:
                break;
            case PathKind.File:
                if (!force) throw Refused($"{full} already exists; choose another path, or allow replacing it (`Force`).");
                break;
            default:
                throw NotRegular(full);
        }
        RequireWritableParent(full);
        return full;
    }

    /// <summary>A file to append to (a log of results): nothing is there, or a regular file that is no input, whose lines are kept; its folder exists or can be made, and is writable.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its full path.</returns>
    public string AppendedFile(string path)
    {
        string full = FullPath(path);
        if (PathIdentity.Kind(full) == PathKind.Folder) throw Refused($"{full} is a folder; name the file to append to.");
        RequireNoInput(full);
        if (PathIdentity.Kind(full) is not (PathKind.Missing or PathKind.File)) throw NotRegular(full);
        RequireWritableParent(full);
        return full;
    }

    /// <summary>A folder to write files into, keeping what it holds: nothing is there (it can be made), or a writable folder (or a link to one).</summary>
    /// <param name="path">The folder.</param>
    /// <returns>Its full path.</returns>
    public string Folder(string path)
    {
        string full = FullPath(path);
        switch (PathIdentity.Target(full))
        {
            case PathKind.Folder:
                if (!PathIdentity.CanCreateIn(full)) throw Refused($"cannot write into the folder {full} (no permission, or a read-only file system); choose another.");
                return full;
            case PathKind.Missing when PathIdentity.Kind(full) == PathKind.Missing:
                RequireWritableParent(full);
                return full;
            case PathKind.Missing:
                throw Refused($"{full} is a link that leads nowhere; name a folder.");
            default:
                throw Refused($"{full} is not a folder; name a folder to write into.");
        }
    }

    /// <summary>A folder written whole, replacing what is there: nothing, an empty folder, or (with force) a regular file or a folder that holds no input.</summary>
    /// <param name="path">The folder.</param>
    /// <returns>Its full path.</returns>
    public string ReplacedFolder(string path)
    {
        string full = FullPath(path);
        RequireNoInput(full);
        switch (PathIdentity.Kind(full))
        {
            case PathKind.Missing:
                break;
            case PathKind.Folder or PathKind.File:
                bool empty = Directory.Exists(full) && !Directory.EnumerateFileSystemEntries(full).Any();
                if (!empty && !force) throw Refused($"{full} already exists and is not empty; choose another, or allow replacing it (`Force`).");
                break;
            default:
                throw NotRegular(full);
        }
        RequireWritableParent(full);
        return full;
    }

    string FullPath(string path) => path.Length > 0 ? Path.GetFullPath(path) : throw Refused("the path is empty; name one.");

    void RequireNoInput(string full)
    {
        foreach (var input in inputs)
            if (PathIdentity.Contains(full, input))
                throw Refused(PathIdentity.Identity(full) == PathIdentity.Identity(input)
                    ? $"{full} is the input {input} itself; writing it would destroy what is read: choose another path."
                    : $"{full} holds the input {input}; replacing it would delete that: choose another path.");
    }

    // The nearest folder that exists must be a folder this process can write into, so that the write cannot fail
    // there after the work is done.
    void RequireWritableParent(string full)
    {
        string? parent = Path.GetDirectoryName(full);
        while (parent is not null && PathIdentity.Target(parent) == PathKind.Missing) parent = Path.GetDirectoryName(parent);
        if (parent is null) return;
        if (PathIdentity.Target(parent) != PathKind.Folder) throw Refused($"{parent} is a file, so {full} cannot be made; choose another path.");
        if (!PathIdentity.CanCreateIn(parent)) throw Refused($"cannot write into {parent} (no permission, or a read-only file system), so not {full}; choose another path.");
    }

    InvalidValueException NotRegular(string full) => Refused(PathIdentity.Kind(full) == PathKind.Link
        ? $"{full} is a symbolic link, which is never replaced: name what it leads to, or another path."
        : $"{full} is not a regular file (a device, FIFO or socket), which is never replaced: choose another path.");

    InvalidValueException Refused(string message) => new(setting, message);
}
