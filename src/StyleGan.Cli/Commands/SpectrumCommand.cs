using System.CommandLine;
using System.Globalization;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Formats;
using StyleGan.Images;
using StyleGan.Metrics;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary>
/// <c>stylegan spectrum</c>: NVIDIA's avg_spectra.py in one command: the average power spectrum of each source (a
/// network's images or a dataset's), its .npz as calc writes it, its heat map, and the slices of all sources together.
/// </summary>
public static class SpectrumCommand
{
    public static Command Create()
    {
        var sources = new Option<string[]>("--source") { Description = "Networks (G_ema) and datasets (a folder or zip of images), one spectrum each", Required = true, AllowMultipleArgumentsPerToken = true }.Sets("Source");
        var outdir = new Option<string>("--outdir") { Description = "Folder of the results: NAME.npz (avg_spectra.py calc's), NAME-heatmap.png, slices.png", DefaultValueFactory = _ => "spectra" }.Sets("Outdir");
        var num = new Option<int?>("--num") { Description = "Images per source (a network's: required, as avg_spectra.py asks; a dataset's: all by default)" }.Sets("ImageCount");
        var seed = new Option<uint>("--seed") { Description = "A network's first seed; which images of a dataset --num takes", DefaultValueFactory = _ => 0 }.Sets("Seed");
        var mean = new Option<double?>("--mean") { Description = "Whitening mean (default: the first dataset source's, as avg_spectra.py stats computes it)" }.Sets("Mean");
        var std = new Option<double?>("--std") { Description = "Whitening standard deviation (default: as --mean)" }.Sets("Std");
        var beta = new Option<double>("--beta") { Description = "Shape of the Kaiser window", DefaultValueFactory = _ => 8 }.Sets("Beta");
        var interp = new Option<int>("--interp") { Description = "Frequency-domain interpolation (zero padding to this many times the image size)", DefaultValueFactory = _ => 4 }.Sets("Interp");
        var smooth = new Option<double>("--smooth") { Description = "Smoothing of the heat maps, in image pixels", DefaultValueFactory = _ => 1.25 }.Sets("Smooth");
        var force = new Option<bool>("--force") { Description = "Replace results already in --outdir" }.Sets("Force");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("spectrum", "Average power spectra of networks' and datasets' images (avg_spectra.py): heat maps and 0/45 degree slices, " +
            "to see the aliasing StyleGAN3 removes.")
        {
            sources, outdir, num, seed, mean, std, beta, interp, smooth, force, threads, device,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var paths = parse.GetValue(sources)!;
            int? count = parse.GetValue(num);
            if (count is int n && n < 1) throw new InvalidValueException("ImageCount", $"{n} images: give at least 1.");
            if (parse.GetValue(beta) is var b && !(b >= 0)) throw new InvalidValueException("Beta", $"the Kaiser window's beta {b} must be 0 or more.");
            if (parse.GetValue(interp) is var k && (k < 1 || k > 64)) throw new InvalidValueException("Interp", $"the interpolation {k} is outside [1, 64].");
            if (parse.GetValue(smooth) is var s && !(s >= 0 && s <= 100)) throw new InvalidValueException("Smooth", $"the smoothing {s} is outside [0, 100].");
            var names = paths.Select(Name).ToList();
            if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
                throw new InvalidValueException("Source", $"two sources share a name ({string.Join(", ", names)}); their results would overwrite each other.");
            var rule = new OutputRule("Outdir", parse.GetValue(force), paths);
            string folder = rule.Folder(parse.GetValue(outdir)!);
            var targets = names.SelectMany(name => new[] { $"{name}.npz", $"{name}-heatmap.png" }).Append("slices.png").Select(f => rule.File(Path.Combine(folder, f))).ToList();
            bool IsDataset(string path) => Directory.Exists(path) || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            foreach (var path in paths.Where(p => !IsDataset(p)))
                if (count is null) throw new InvalidValueException("ImageCount", $"{path} is a network: say how many of its images with --num, as avg_spectra.py asks.");

            // Every source opened once, its size and image count checked before minutes of work.
            var opened = new List<SpectrumSource>();
            try
            {
                foreach (var path in paths) opened.Add(SpectrumSource.Open(path, IsDataset(path), count));
                if (opened.FirstOrDefault(other => other.Size != opened[0].Size) is { } odd)
                    throw new InvalidValueException("Source", $"{odd.Path} has {odd.Size}x{odd.Size} images but {paths[0]} {opened[0].Size}x{opened[0].Size}; " +
                        "the slices compare sources of one size: run the command once per size.");
                var dev = CommonOptions.Setup(parse.GetValue(threads), parse.GetValue(device)!);
                uint firstSeed = parse.GetValue(seed);
                double? whiteningMean = parse.GetValue(mean), whiteningStd = parse.GetValue(std);
                if (whiteningMean is null || whiteningStd is null)
                {
                    var first = opened.FirstOrDefault(source => source.Data is not null) ?? throw new InvalidValueException("Mean",
                        "no dataset among the sources to take the whitening mean and std from; give --mean and --std (avg_spectra.py stats prints them for a dataset).");
                    var moments = PowerSpectrum.Moments(first.Images(count, firstSeed, dev));
                    whiteningMean ??= moments.Mean;
                    whiteningStd ??= moments.Std;
                    Console.WriteLine($"Whitening with the mean and std of {first.Path}: --mean={F(whiteningMean.Value)} --std={F(whiteningStd.Value)}");
                }

                var slices = new List<(string, double[,])>();
                int size = opened[0].Size;
                for (int i = 0; i < opened.Count; i++)
                {
                    using var scope = NewDisposeScope();
                    var spectrum = PowerSpectrum.Average(opened[i].Images(count, firstSeed, dev), size, whiteningMean.Value, whiteningStd.Value,
                        parse.GetValue(beta), parse.GetValue(interp));
                    // image_size as a float64 scalar (our .npy writer writes floats only); avg_spectra.py computes with it all the same.
                    NpzFile.Save(targets[2 * i], [("spectrum", spectrum), ("image_size", tensor((double)size, float64))]);
                    SpectrumCharts.SaveHeatmap(targets[2 * i + 1], names[i], Array2d(PowerSpectrum.Heatmap(spectrum, size, parse.GetValue(smooth))), size);
                    slices.Add((names[i], Array2d(PowerSpectrum.Heatmap(spectrum, size, 0))));
                    Console.WriteLine($"{paths[i]}: {targets[2 * i]}, {targets[2 * i + 1]}");
                }
                SpectrumCharts.SaveSlices(targets[^1], slices, size);
            }
            finally
            {
                foreach (var source in opened) source.Dispose();
            }
            Console.WriteLine($"Slices of all sources: {targets[^1]}");
            return 0;
        }));
        return command;
    }

    static string Name(string path) => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));

    static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    static double[,] Array2d(Tensor map)
    {
        var values = map.to(float64).contiguous().data<double>().ToArray();
        int rows = (int)map.shape[0], cols = (int)map.shape[1];
        var array = new double[rows, cols];
        Buffer.BlockCopy(values, 0, array, 0, values.Length * sizeof(double));
        return array;
    }

    /// <summary>A source opened once: a dataset, or a network file whose G_ema draws the images.</summary>
    sealed class SpectrumSource(string path, ImageDataset? data, NetworkSet? networks) : IDisposable
    {
        public string Path => path;
        public ImageDataset? Data => data;
        public int Size => data?.Resolution ?? networks!.Sampler.Config.ImgResolution;

        /// <param name="path">The source.</param>
        /// <param name="dataset">Whether it is a dataset (else a network file).</param>
        /// <param name="count">Images to take (null: a dataset's all); a dataset must hold that many.</param>
        public static SpectrumSource Open(string path, bool dataset, int? count)
        {
            if (!dataset) return new SpectrumSource(path, null, NetworkFile.Load(path, NetworkParts.Sampler));
            var data = ImageDataset.Open(path);
            if (count is int n && n > data.Count)
            {
                data.Dispose();
                throw new InvalidValueException("ImageCount", $"{path} holds {data.Count} images, fewer than --num {n}.");
            }
            return new SpectrumSource(path, data, null);
        }

        public IEnumerable<Tensor> Images(int? count, uint seed, Device device) => data is not null
            ? PowerSpectrum.DatasetImages(data, count, seed)
            : PowerSpectrum.NetworkImages(networks!.Sampler, count!.Value, seed, device);

        public void Dispose()
        {
            data?.Dispose();
            networks?.Dispose();
        }
    }
}
