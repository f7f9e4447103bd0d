using StyleGan.Training;

namespace StyleGan.Cli;

/// <summary>Run folders as the official tools lay them out: OUTDIR/00000-desc, OUTDIR/00001-desc, ...</summary>
public static class RunFolders
{
    public static string CreateNext(string parent, string description)
    {
        Directory.CreateDirectory(parent);
        int next = Directory.GetDirectories(parent).Select(d => Path.GetFileName(d)!.Split('-')[0])
            .Select(prefix => int.TryParse(prefix, out int id) ? id : -1).DefaultIfEmpty(-1).Max() + 1;
        var folder = Path.Combine(parent, $"{next:D5}-{description}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The newest checkpoint of the newest run under <paramref name="parent"/> that has one.</summary>
    public static string? NewestCheckpoint(string parent) => !Directory.Exists(parent) ? null
        : Directory.GetDirectories(parent).OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(Checkpoint.Newest).FirstOrDefault(c => c is not null);
}
