namespace StyleGan.Augment;

/// <summary>The pipelines of StyleGAN2-ADA's train.py --augpipe, by name; bgc is its default.</summary>
public static class AugmentPresets
{
    /// <summary>The pipeline train.py uses unless told otherwise.</summary>
    public const string Default = "bgc";

    static readonly AugmentConfig Blit = new() { Xflip = 1, Rotate90 = 1, Xint = 1 };
    static readonly AugmentConfig Geom = new() { Scale = 1, Rotate = 1, Aniso = 1, Xfrac = 1 };
    static readonly AugmentConfig Color = new() { Brightness = 1, Contrast = 1, Lumaflip = 1, Hue = 1, Saturation = 1 };
    static readonly AugmentConfig Bg = Blit with { Scale = 1, Rotate = 1, Aniso = 1, Xfrac = 1 };
    static readonly AugmentConfig Bgc = Bg with { Brightness = 1, Contrast = 1, Lumaflip = 1, Hue = 1, Saturation = 1 };

    static readonly (string Name, AugmentConfig Config)[] All =
    [
        ("blit", Blit),
        ("geom", Geom),
        ("color", Color),
        ("filter", new() { Imgfilter = 1 }),
        ("noise", new() { Noise = 1 }),
        ("cutout", new() { Cutout = 1 }),
        ("bg", Bg),
        ("bgc", Bgc),
        ("bgcf", Bgc with { Imgfilter = 1 }),
        ("bgcfn", Bgc with { Imgfilter = 1, Noise = 1 }),
        ("bgcfnc", Bgc with { Imgfilter = 1, Noise = 1, Cutout = 1 }),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToList();

    /// <param name="name">One of <see cref="Names"/>.</param>
    public static AugmentConfig Get(string name) => All.FirstOrDefault(p => p.Name == name).Config
        ?? throw new InvalidValueException("AugmentPipe", $"unknown augmentation pipeline '{name}'; choose one of: {string.Join(", ", Names)}.");
}
