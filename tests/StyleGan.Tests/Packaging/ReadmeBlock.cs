namespace StyleGan.Tests.Packaging;

/// <summary>Code blocks of the repository's README.md, so that what it shows users is what the tests run.</summary>
public static class ReadmeBlock
{
    /// <summary>The first <c>```language</c> block in the section that starts with <paramref name="heading"/> (up to the next heading of its level).</summary>
    /// <param name="heading">The section's heading line, e.g. "## Use as a library".</param>
    /// <param name="language">The block's language, e.g. "csharp".</param>
    public static string In(string heading, string language)
    {
        var lines = File.ReadAllLines(Path.Combine(ReferenceData.RepositoryRoot.FullName, "README.md"));
        int start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"README.md has no section \"{heading}\".");
        string level = heading[..(heading.IndexOf(' ') + 1)];
        var section = lines.Skip(start + 1).TakeWhile(line => !line.StartsWith(level, StringComparison.Ordinal)).ToList();
        int open = section.IndexOf("```" + language);
        Assert.True(open >= 0, $"README.md's section \"{heading}\" has no ```{language} block.");
        var block = section.Skip(open + 1).TakeWhile(line => line != "```").ToList();
        return string.Join('\n', block) + '\n';
    }
}
