namespace StyleGan.Files;

/// <summary>Why <see cref="ConfinedFiles"/> refused a path.</summary>
public enum ReadRefusal
{
    /// <summary>Nothing is there inside the folders (a link that leads nowhere included).</summary>
    Missing,

    /// <summary>The path, or a link on its way, leads outside the folders.</summary>
    Outside,

    /// <summary>It is a folder, device, FIFO or socket, not a regular file.</summary>
    NotRegular,

    /// <summary>More links than a path may follow: a loop.</summary>
    LinkLoop,

    /// <summary>It holds more bytes than the reader allows.</summary>
    TooLarge,

    /// <summary>It was replaced between its check and its opening.</summary>
    Changed,
}
