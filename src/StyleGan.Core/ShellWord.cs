namespace StyleGan;

/// <summary>
/// Command lines the tool prints for a user to paste (the resume line of an interrupted run, the explorer's
/// `stylegan generate` line): each word as a POSIX shell reads it back.
/// </summary>
public static class ShellWord
{
    /// <summary>The word as it is when the shell would neither split nor expand it, else in single quotes.</summary>
    /// <param name="word">The argument, as the program is to receive it.</param>
    public static string Quote(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_-./:=+,@%".Contains(c))
        ? word : $"'{word.Replace("'", "'\\''")}'";

    /// <summary>The words as one command line.</summary>
    /// <param name="words">The program and its arguments.</param>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
