namespace StyleGan.Training;

/// <summary>A published FID of a configuration: on which dataset, and from which table.</summary>
/// <param name="Dataset">The dataset it was measured on ("FFHQ", "CelebA-HQ").</param>
/// <param name="Fid">The FID.</param>
/// <param name="Source">The paper and table.</param>
public sealed record PublishedFid(string Dataset, double Fid, string Source);

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

    /// <summary>StyleGAN's table 1 (Karras et al. 2019): FFHQ FID of configs A (Progressive GAN) to F (StyleGAN).</summary>
    public static IReadOnlyDictionary<string, double> StyleGan1Ffhq { get; } = new Dictionary<string, double>
    {
        ["sg1-a"] = 8.04, ["sg1-b"] = 5.25, ["sg1-c"] = 4.85, ["sg1-d"] = 4.88, ["sg1-e"] = 4.42, ["sg1-f"] = 4.40,
    };

    /// <summary>StyleGAN's table 1: CelebA-HQ FID of configs A to F.</summary>
    public static IReadOnlyDictionary<string, double> StyleGan1CelebAHq { get; } = new Dictionary<string, double>
    {
        ["sg1-a"] = 7.79, ["sg1-b"] = 6.11, ["sg1-c"] = 5.34, ["sg1-d"] = 5.07, ["sg1-e"] = 5.06, ["sg1-f"] = 5.17,
    };

    static readonly (IReadOnlyDictionary<string, double> Table, string Dataset, string Source)[] Tables =
    [
        (StyleGan2Ffhq, "FFHQ", "StyleGAN2 table 2"),
        (StyleGan1Ffhq, "FFHQ", "StyleGAN table 1"),
        (StyleGan1CelebAHq, "CelebA-HQ", "StyleGAN table 1"),
    ];

    /// <summary>The published values of a config, first the FFHQ one; empty where none is published.</summary>
    /// <param name="config">A preset name.</param>
    public static IReadOnlyList<PublishedFid> Of(string config) =>
        Tables.Where(t => t.Table.ContainsKey(config)).Select(t => new PublishedFid(t.Dataset, t.Table[config], t.Source)).ToList();
}
