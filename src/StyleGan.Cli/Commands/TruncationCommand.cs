using System.CommandLine;
using System.Globalization;
using StyleGan.Editing;
using StyleGan.Images;
using StyleGan.Random;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan truncation</c>: one row per seed, one column per psi.</summary>
public static class TruncationCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var seeds = new Option<string>("--seeds") { Description = "One row per seed", DefaultValueFactory = _ => "0-3" }.Sets("Seeds");
        var psis = new Option<string>("--psi") { Description = "One column per psi, comma-separated (1: none, 0: the w_avg image)", DefaultValueFactory = _ => "-1,-0.5,0,0.5,0.7,1" }.Sets("Psi");
        var cutoff = new Option<int?>("--cutoff") { Description = "Truncate only the first N ws (coarse layers)" }.Sets("Cutoff");
        var command = options.Command("truncation", "The truncation trick: each seed at several psi.", seeds, psis, cutoff);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var seedList = SeedList.Parse(parse.GetValue(seeds)!).ToList();
            var psiList = ParsePsis(parse.GetValue(psis)!);
            if ((long)seedList.Count * psiList.Count > 10_000) throw new UsageException("more than 10,000 images in one figure; give fewer seeds or psis.");
            string file = options.Rule(parse).File(Path.Combine(options.Folder(parse), "truncation.png"));
            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            var images = TruncationSweep.Run(sampler, seedList, psiList, parse.GetValue(cutoff), parse.GetValue(options.Class), options.Noise(parse));
            ImageGrid.Save(file, images, columns: psiList.Count);
            Console.WriteLine($"Wrote {file}: seeds {string.Join(",", seedList)} down, psi {string.Join(", ", psiList.Select(p => p.ToString(CultureInfo.InvariantCulture)))} across.");
            return 0;
        }));
        return command;
    }

    static List<double> ParsePsis(string text) => text.Split(',').Select(part =>
        double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double psi) ? psi
            : throw new UsageException($"--psi: '{part.Trim()}' in '{text}' is not a number.")).ToList();
}
