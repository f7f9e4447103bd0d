using System.CommandLine;
using System.Globalization;
using StyleGan.Metrics;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan fid A B</c>: the FID of two image sets, as pytorch-fid's command line computes it.</summary>
public static class FidCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("PATH_A") { Description = "A folder or zip of images, or an .npz of statistics" };
        var second = new Argument<string>("PATH_B") { Description = "Another; with --save-stats, the .npz to write" };
        var inception = new Option<string?>("--inception") { Description = $"pytorch-fid's {InceptionV3.Published.Name} (default: in $STYLEGAN_CACHE)" }.Sets("InceptionFile");
        var dims = new Option<int>("--dims") { Description = "Feature dimension: 2048 (pool3) is the one FID is defined on", DefaultValueFactory = _ => 2048 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 50 }.Sets("BatchSize");
        var saveStats = new Option<bool>("--save-stats") { Description = "Write PATH_A's statistics to PATH_B (.npz) instead of comparing" };
        var force = new Option<bool>("--force") { Description = "With --save-stats, replace PATH_B" }.Sets("Force");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("fid", "Fréchet Inception distance between two image sets (pytorch-fid's protocol); prints FID: <value> last.")
        {
            first, second, inception, dims, batch, saveStats, force, threads, device,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            if (parse.GetValue(dims) != 2048)
                throw new UsageException($"--dims {parse.GetValue(dims)}: only 2048 (pool3, the FID of every published table) is computed here.");
            string a = parse.GetValue(first)!, b = parse.GetValue(second)!;
            string? statsFile = parse.GetValue(saveStats) ? new Files.OutputRule("PATH_B", parse.GetValue(force), a).File(b) : null;
            if (statsFile is not null && !statsFile.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--save-stats writes NumPy's .npz; name the file {Path.ChangeExtension(b, ".npz")}.");
            var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
            using var network = InceptionV3.Load(parse.GetValue(inception), dev);
            (TorchSharp.torch.Tensor Mu, TorchSharp.torch.Tensor Sigma) Statistics(string path)
            {
                (TorchSharp.torch.Tensor, TorchSharp.torch.Tensor) result = default;
                ProgressBar.Run(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), 1000, advance =>
                {
                    int shown = 0;
                    result = ImageSetStatistics.Of(path, network, parse.GetValue(batch), (done, total) =>
                    {
                        for (int target = (int)(1000L * done / total); shown < target; shown++) advance(null);
                    });
                });
                return result;
            }
            var (mu1, sigma1) = Statistics(a);
            if (statsFile is not null)
            {
                ImageSetStatistics.Save(statsFile, mu1, sigma1);
                Console.WriteLine($"Wrote the statistics of {a} to {statsFile}.");
                return 0;
            }
            var (mu2, sigma2) = Statistics(b);
            double fid = FrechetDistance.Compute(mu1, sigma1, mu2, sigma2);
            Console.WriteLine($"FID: {fid.ToString("R", CultureInfo.InvariantCulture)}");
            return 0;
        }));
        return command;
    }
}
