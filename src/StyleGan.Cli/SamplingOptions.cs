using System.CommandLine;
using StyleGan.Configs;
using StyleGan.Files;
using StyleGan.Generation;
using StyleGan.Networks;
using StyleGan.Serialization;

namespace StyleGan.Cli;

/// <summary>The options every command that samples a network shares, and the sampler they set up.</summary>
/// <param name="writesFolder">Whether the command writes into an --outdir folder (otherwise it names its file itself).</param>
public sealed class SamplingOptions(bool writesFolder = true)
{
    public Option<string> Network { get; } = new Option<string>("--network") { Description = "Network: our .safetensors, an NVIDIA .pkl (StyleGAN2-ADA, or TensorFlow-era StyleGAN, Progressive GAN, StyleGAN2) or a rosinality .pt (G_ema, or Gs, is used)", Required = true }.Sets("Network");
    public Option<int?> Class { get; } = new Option<int?>("--class") { Description = "Class label for a conditional network" }.Sets("Class");
    public Option<double> Trunc { get; } = new Option<double>("--trunc") { Description = "Truncation psi (1: none)", DefaultValueFactory = _ => 1 }.Sets("TruncationPsi");
    public Option<string> NoiseMode { get; } = new("--noise-mode") { Description = "const, random or none", DefaultValueFactory = _ => "const" };
    public Option<double> NoiseStrength { get; } = new Option<double>("--noise-strength") { Description = "Multiplies the per-pixel noise of every layer (1: as trained, 0: none)", DefaultValueFactory = _ => 1 }.Sets("NoiseStrength");
    public Option<int> Batch { get; } = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 16 }.Sets("BatchSize");
    public Option<string> Outdir { get; } = new("--outdir") { Description = "Where to write the results", Required = true };
    public Option<bool> Force { get; } = new Option<bool>("--force") { Description = "Replace files of the same names in --outdir" }.Sets("Force");
    public Option<string> Modconv { get; } = CommonOptions.Modconv();
    public Option<int> Threads { get; } = CommonOptions.Threads();
    public Option<string> Device { get; } = CommonOptions.Device();

    /// <summary>A command with these options (and <paramref name="own"/> first).</summary>
    /// <param name="name">The command's name.</param>
    /// <param name="description">What it does, for --help.</param>
    /// <param name="own">The command's own options.</param>
    public Command Command(string name, string description, params Option[] own)
    {
        var command = new Command(name, description);
        foreach (var option in own) command.Options.Add(option);
        foreach (Option option in new Option[] { Network, Class, Trunc, NoiseMode, NoiseStrength, Batch }) command.Options.Add(option);
        if (writesFolder) command.Options.Add(Outdir);
        foreach (Option option in new Option[] { Force, Modconv, Threads, Device }) command.Options.Add(option);
        return command;
    }

    /// <summary>The rule for everything the command writes: only with --force over existing files, never over the network.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="setting">The flag that names the paths, for refusals.</param>
    public OutputRule Rule(ParseResult parse, string setting = "--outdir") => new(setting, parse.GetValue(Force), parse.GetValue(Network));

    /// <summary>The --outdir folder, checked before anything is read.</summary>
    public string Folder(ParseResult parse) => Rule(parse).Folder(parse.GetValue(Outdir)!);

    /// <summary>Sets up libtorch, loads G_ema and says what was loaded.</summary>
    public (NetworkSet Networks, Sampler Sampler) Open(ParseResult parse)
    {
        var device = CommonOptions.Setup(parse.GetValue(Threads), parse.GetValue(Device)!);
        CommonOptions.ApplyModconv(parse.GetValue(Modconv)!);
        int batch = parse.GetValue(Batch);
        if (batch is < 1 or > 1024) throw new UsageException($"--batch {batch} is outside [1, 1024].");
        var networks = NetworkFile.Load(parse.GetValue(Network)!, NetworkParts.Sampler);
        try
        {
            NetworkReport.Print(networks);
            NetworkReport.PrintSampler(networks);
            return (networks, new Sampler(networks.Sampler, device, batch));
        }
        catch
        {
            networks.Dispose();
            throw;
        }
    }

    /// <summary>The --noise-mode, seeded by <paramref name="seed"/> where random.</summary>
    public NoiseSettings Noise(ParseResult parse, ulong seed = 0) => new(ParseNoiseMode(parse.GetValue(NoiseMode)!), seed, parse.GetValue(NoiseStrength));

    /// <summary>--trunc with an optional cutoff.</summary>
    public Truncation Truncation(ParseResult parse, int? cutoff = null) => new(parse.GetValue(Trunc), cutoff);

    /// <summary>const, random or none.</summary>
    public static NoiseMode ParseNoiseMode(string text) => text switch
    {
        "const" => Configs.NoiseMode.Const,
        "random" => Configs.NoiseMode.Random,
        "none" => Configs.NoiseMode.None,
        var other => throw new UsageException($"--noise-mode '{other}' is not one of const, random, none."),
    };
}
