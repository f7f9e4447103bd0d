namespace StyleGan.Files;

/// <summary>
/// Opens a file to read only when it is a regular file (links followed): a FIFO would block the read until some
/// other process writes, a device may never end, so either is refused naming the file instead of hanging.
/// </summary>
public static class InputFile
{
    /// <summary>Throws FileNotFoundException when nothing is at <paramref name="path"/>, InvalidDataException when it is not a regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, starting the message when it is missing, e.g. "Network file".</param>
    public static void Require(string path, string what)
    {
        if (path.Length == 0) throw new FileNotFoundException($"{what}: the path is empty; name a file.");
        switch (PathIdentity.Target(path))
        {
            case PathKind.File:
                return;
            case PathKind.Missing:
                throw new FileNotFoundException($"{what} {path} does not exist.", path);
            case PathKind.Folder:
                throw new InvalidDataException($"{path} is a folder, not a file.");
            default:
                throw new InvalidDataException($"{path} is not a regular file (a device, FIFO or socket), which could block a read forever; give a file.");
        }
    }

    /// <summary>A regular file's stream (see <see cref="Require"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for the message when it is missing.</param>
    public static FileStream OpenRead(string path, string what)
    {
        Require(path, what);
        return File.OpenRead(path);
    }

    /// <summary>
    /// As <see cref="OpenRead"/>, for a reader of a file format: a file that is there but cannot be read (no
    /// permission, an I/O error) is an InvalidDataException naming it, as a damaged file is; a missing one stays a
    /// FileNotFoundException, so that a front end names the option that gave it.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for the message when it is missing.</param>
    public static FileStream OpenData(string path, string what)
    {
        try { return OpenRead(path, what); }
        catch (Exception e) when (e is IOException and not FileNotFoundException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the file ({e.Message}).", e);
        }
    }
}
