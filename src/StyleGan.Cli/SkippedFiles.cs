using Spectre.Console;

namespace StyleGan.Cli;

/// <summary>Tells the user which files of a dataset were left out, one line each with the reason.</summary>
public static class SkippedFiles
{
    /// <param name="skipped">Each file (as the dataset names it) and why it was left out.</param>
    public static void Print(IReadOnlyList<(string File, string Reason)> skipped)
    {
        foreach (var (file, reason) in skipped)
            AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(file)}: {Markup.Escape(reason)}");
    }
}
