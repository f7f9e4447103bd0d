namespace StyleGan.Files;

/// <summary>What a path names on disk.</summary>
public enum PathKind
{
    /// <summary>Nothing is there (or a link leads nowhere, when links are followed).</summary>
    Missing,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A folder.</summary>
    Folder,

    /// <summary>A symbolic link (only when a final link is not followed).</summary>
    Link,

    /// <summary>A device, FIFO or socket: reading one may block forever, replacing one breaks what uses it.</summary>
    Other,
}
