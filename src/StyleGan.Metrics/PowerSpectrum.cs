using StyleGan.Data;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Random;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Metrics;

/// <summary>
/// The average power spectrum of a set of images, as NVIDIA's avg_spectra.py computes it for StyleGAN3's alias
/// comparison: each image whitened by the dataset's mean and std, Kaiser-windowed, zero-padded to <c>interp</c> times
/// its size, |FFT|^2 averaged over channels and images; shown in dB, centred, as a heat map and as slices.
/// </summary>
public static class PowerSpectrum
{
    /// <summary>
    /// avg_spectra.py's images of a network, uint8 batches: seed <paramref name="firstSeed"/> + i for the i-th, z =
    /// RandomState(seed).randn(1, z_dim) and, for a conditional network, the class randint(c_dim) drawn after it;
    /// psi 1, per-pixel noise as the network stores it.
    /// </summary>
    /// <param name="generator">The network (G_ema).</param>
    /// <param name="count">Images.</param>
    /// <param name="firstSeed">The first image's seed.</param>
    /// <param name="device">Where the network runs (null: the CPU).</param>
    public static IEnumerable<Tensor> NetworkImages(Generator generator, int count, uint firstSeed, Device? device = null)
    {
        var sampler = new Sampler(generator, device);
        int labels = generator.Config.CDim;
        for (int start = 0; start < count; start += sampler.BatchSize)
        {
            int n = Math.Min(sampler.BatchSize, count - start);
            var z = new float[n * generator.Config.ZDim];
            var classes = new long[n];
            for (int i = 0; i < n; i++)
            {
                var random = new NumpyRandomState(unchecked(firstSeed + (uint)(start + i)));
                random.Randn(generator.Config.ZDim).CopyTo(z, i * generator.Config.ZDim);
                if (labels > 0) classes[i] = random.RandomInteger(labels);
            }
            using var scope = NewDisposeScope();
            var c = labels > 0 ? nn.functional.one_hot(tensor(classes), labels).to(float32) : null;
            yield return PixelRange.ToUint8(sampler.Generate(tensor(z).reshape(n, generator.Config.ZDim), c)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// avg_spectra.py's images of a dataset, uint8 batches: all of them, or <paramref name="count"/> chosen as its
    /// ImageFolderDataset chooses with max_size (NumPy's RandomState(seed) shuffle, the first count, in file order).
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="count">Images (null: all).</param>
    /// <param name="seed">Seeds the choice.</param>
    public static IEnumerable<Tensor> DatasetImages(ImageDataset data, int? count, uint seed)
    {
        var indices = Enumerable.Range(0, data.Count).ToList();
        if (count is int n && n < data.Count)
        {
            new NumpyRandomState(seed % (1u << 31)).Shuffle(indices);
            indices = indices.Take(n).Order().ToList();
        }
        for (int start = 0; start < indices.Count; start += 256)
            yield return data.Images(indices.GetRange(start, Math.Min(256, indices.Count - start)));
    }

    /// <summary>avg_spectra.py stats: the mean and standard deviation of every pixel value of the images, in float64.</summary>
    /// <param name="batches">uint8 images [N, C, H, W], batch after batch.</param>
    public static (double Mean, double Std) Moments(IEnumerable<Tensor> batches)
    {
        double count = 0, sum = 0, squares = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var values = batch.to(float64);
            count += values.numel();
            sum += values.sum().item<double>();
            squares += values.square().sum().item<double>();
        }
        if (count == 0) throw new InvalidDataException("There are no images to take the mean and std of.");
        double mean = sum / count;
        return (mean, Math.Sqrt(squares / count - mean * mean));
    }

    /// <summary>avg_spectra.py calc: the average power spectrum [size * interp, size * interp] (float64, DC at [0, 0]).</summary>
    /// <param name="batches">uint8 images [N, C, size, size], batch after batch.</param>
    /// <param name="imageSize">The images' size.</param>
    /// <param name="mean">The dataset's mean pixel value (see <see cref="Moments"/>).</param>
    /// <param name="std">The dataset's pixel standard deviation.</param>
    /// <param name="beta">The Kaiser window's shape parameter (NVIDIA's 8).</param>
    /// <param name="interp">Frequency-domain interpolation: zero padding to this many times the size (NVIDIA's 4).</param>
    public static Tensor Average(IEnumerable<Tensor> batches, int imageSize, double mean, double std, double beta = 8, int interp = 4)
    {
        if (!(std > 0) || !double.IsFinite(mean)) throw new InvalidValueException("Std", $"the whitening mean {mean} and std {std} must be numbers, the std above 0.");
        int spectrumSize = imageSize * interp, padding = spectrumSize - imageSize;
        // float32, as NVIDIA's window (torch's default dtype there).
        var window = kaiser_window(imageSize, periodic: false, beta: (float)beta, dtype: float32);
        window = window * window.square().sum().rsqrt();
        window = window.outer(window).unsqueeze(0).unsqueeze(1);
        var spectrum = zeros(new long[] { spectrumSize, spectrumSize }, dtype: float64);
        long images = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            if (batch.shape[2] != imageSize || batch.shape[3] != imageSize)
                throw new InvalidDataException($"An image is {batch.shape[3]}x{batch.shape[2]}, not {imageSize}x{imageSize} as the others.");
            var whitened = (batch.to(float64) - mean) / std;
            var padded = nn.functional.pad(whitened * window, [0, padding, 0, padding]);
            spectrum.add_(fft.fftn(padded, dim: [2, 3]).abs().square().mean([1]).sum([0]));
            images += batch.shape[0];
        }
        if (images == 0) throw new InvalidDataException("There are no images to take the spectrum of.");
        return spectrum / images;
    }

    /// <summary>
    /// avg_spectra.py's construct_heatmap: the spectrum in dB, DC in the centre, its first row and column repeated at
    /// the far edges (so both ends of the frequency range show), smoothed by a Gaussian of <paramref name="smooth"/>
    /// image pixels (scipy's gaussian_filter, truncated at 4 sigma, edges repeated).
    /// </summary>
    /// <param name="spectrum">An <see cref="Average"/> spectrum.</param>
    /// <param name="imageSize">The images' size.</param>
    /// <param name="smooth">Smoothing in image pixels (the heat map's 1.25, the slices' 0).</param>
    public static Tensor Heatmap(Tensor spectrum, int imageSize, double smooth)
    {
        var map = fft.fftshift(spectrum.to(float64).log10() * 10);
        map = cat([map, map.narrow(0, 0, 1)], 0);
        map = cat([map, map.narrow(1, 0, 1)], 1);
        if (smooth > 0) map = GaussianFilter(map, spectrum.shape[0] / (double)imageSize * smooth);
        return map;
    }

    // scipy.ndimage.gaussian_filter with mode 'nearest': a separable, normalized kernel of radius int(4 sigma + 0.5).
    static Tensor GaussianFilter(Tensor map, double sigma)
    {
        int radius = (int)(4 * sigma + 0.5);
        var x = arange(-radius, radius + 1, dtype: float64);
        var kernel = (-0.5 * x.square() / (sigma * sigma)).exp();
        kernel = kernel / kernel.sum();
        var image = map.unsqueeze(0).unsqueeze(0);
        image = nn.functional.pad(image, [radius, radius, 0, 0], PaddingModes.Replicate);
        image = nn.functional.conv2d(image, kernel.reshape(1, 1, 1, -1));
        image = nn.functional.pad(image, [0, 0, radius, radius], PaddingModes.Replicate);
        image = nn.functional.conv2d(image, kernel.reshape(1, 1, -1, 1));
        return image.squeeze(0).squeeze(0);
    }
}
