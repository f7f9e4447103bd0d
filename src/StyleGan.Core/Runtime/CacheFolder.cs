namespace StyleGan.Runtime;

/// <summary>Where the library keeps what it can make again but would rather not: measured choices, downloaded weights.</summary>
public static class CacheFolder
{
    /// <summary>The environment variable that names the folder.</summary>
    public const string Variable = "STYLEGAN_CACHE";

    /// <summary><c>$STYLEGAN_CACHE</c>, else <c>$XDG_CACHE_HOME/stylegan</c>, else <c>~/.cache/stylegan</c>.</summary>
    public static string Path
    {
        get
        {
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return System.IO.Path.GetFullPath(given);
            if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg) return System.IO.Path.Combine(xdg, "stylegan");
            return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "stylegan");
        }
    }
}
