namespace StyleGan.Training;

/// <summary>The published FIDs a ladder is set beside (full-size networks trained for weeks; never comparable in value, only in order).</summary>
public static class PublishedLadders
{
    /// <summary>StyleGAN2's table 2 (Karras et al. 2020): FFHQ FID of each generator (rows) and discriminator (columns) architecture.</summary>
    public static IReadOnlyDictionary<string, double> StyleGan2Ffhq { get; } = new Dictionary<string, double>
    {
        ["sg2-orig-orig"] = 4.32, ["sg2-orig-skip"] = 4.18, ["sg2-orig-resnet"] = 3.58,
        ["sg2-skip-orig"] = 4.33, ["sg2-skip-skip"] = 3.77, ["sg2-skip-resnet"] = 3.31,
        ["sg2-resnet-orig"] = 4.35, ["sg2-resnet-skip"] = 3.96, ["sg2-resnet-resnet"] = 3.79,
    };

    /// <summary>The published value of a config, and where it is from; null where none is published.</summary>
    /// <param name="config">A preset name.</param>
    public static (double Fid, string Source)? Of(string config) =>
        StyleGan2Ffhq.TryGetValue(config, out var fid) ? (fid, "StyleGAN2 table 2, FFHQ FID") : null;
}
