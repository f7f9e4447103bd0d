using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>
/// StyleGAN3's input (networks_stylegan3.py's SynthesisInput): Fourier features of fixed random frequencies within
/// a band and random phases, sampled on the layer's grid after a rotation and translation that an affine of w
/// chooses and the user's inverse transform (<c>transform</c>, as the visualizer's translate and rotate set it), with
/// out-of-band frequencies faded out, then mixed by a learned channel matrix.
/// </summary>
public sealed class FourierInput : nn.Module
{
    readonly Parameter weight;
    readonly FullyConnectedLayer affine;
    readonly Tensor transform;
    readonly Tensor freqs;
    readonly Tensor phases;
    readonly long channels;
    readonly int size;
    readonly double samplingRate;
    readonly double bandwidth;

    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="channels">Number of Fourier features (output channels).</param>
    /// <param name="size">Output side, margin included.</param>
    /// <param name="samplingRate">Sampling rate of the output grid.</param>
    /// <param name="bandwidth">Radius of the frequency band the features are drawn from (the first layer's cutoff).</param>
    public FourierInput(long wDim, long channels, int size, double samplingRate, double bandwidth) : base(nameof(FourierInput))
    {
        this.channels = channels;
        this.size = size;
        this.samplingRate = samplingRate;
        this.bandwidth = bandwidth;
        // Frequencies uniform in the disc of radius bandwidth (NVIDIA's draw: Gaussian directions, radii reshaped).
        var drawn = randn(channels, 2);
        var radii = drawn.square().sum(1, keepdim: true).sqrt();
        freqs = drawn / (radii * radii.square().exp().pow(0.25)) * bandwidth;
        phases = rand(channels) - 0.5;
        weight = new Parameter(randn(channels, channels));
        affine = new FullyConnectedLayer(wDim, 4, weightInit: 0, biasInitValues: [1, 0, 0, 0]);
        transform = eye(3, 3);
        register_parameter("weight", weight);
        register_module("affine", affine);
        register_buffer("transform", transform);
        register_buffer("freqs", freqs);
        register_buffer("phases", phases);
    }

    /// <summary>The user's inverse transform of the image [3, 3] (identity: none), as gen_images.py and the visualizer set it.</summary>
    public Tensor Transform => transform;

    /// <param name="w">The input's w [N, w_dim].</param>
    public Tensor forward(Tensor w) => Intermediates.Keep(() =>
    {
        long batch = w.shape[0];
        var dtype = w.dtype;
        // The rotation (r_c, r_s) normalized to unit length, and the translation, that the affine of w chooses.
        var t = affine.forward(w);
        t = t / t.narrow(1, 0, 2).norm(1, keepdim: true);
        Tensor Column(int i) => t.select(1, i);
        var zero = zeros(batch, dtype: dtype, device: w.device);
        var one = ones(batch, dtype: dtype, device: w.device);
        var rotation = stack([Column(0), -Column(1), zero, Column(1), Column(0), zero, zero, zero, one], 1).reshape(batch, 3, 3);
        var translation = stack([one, zero, -Column(2), zero, one, -Column(3), zero, zero, one], 1).reshape(batch, 3, 3);
        // First rotate the resulting image, then translate it, and finally apply the user's transform.
        var transforms = rotation.matmul(translation).matmul(transform.to(dtype).unsqueeze(0));
        var f = freqs.to(dtype).unsqueeze(0);
        var p = phases.to(dtype).unsqueeze(0) + f.matmul(transforms.narrow(1, 0, 2).narrow(2, 2, 1)).squeeze(2);
        f = f.matmul(transforms.narrow(1, 0, 2).narrow(2, 0, 2));
        // Fade out the frequencies the user's transform moved out of the band.
        var amplitudes = (1 - (f.norm(2) - bandwidth) / (samplingRate / 2 - bandwidth)).clamp(0, 1);

        var theta = eye(2, 3, dtype: dtype, device: w.device);
        theta[0, 0] = tensor(0.5 * size / samplingRate, dtype: dtype);
        theta[1, 1] = tensor(0.5 * size / samplingRate, dtype: dtype);
        var grids = nn.functional.affine_grid(theta.unsqueeze(0), [1, 1, size, size], align_corners: false);
        var x = grids.unsqueeze(3).matmul(f.permute(0, 2, 1).unsqueeze(1).unsqueeze(2)).squeeze(3); // [N, H, W, C]
        x = (x + p.unsqueeze(1).unsqueeze(2)) * (Math.PI * 2);
        x = x.sin() * amplitudes.unsqueeze(1).unsqueeze(2);
        x = x.matmul((weight.to(dtype) / Math.Sqrt(channels)).t());
        return x.permute(0, 3, 1, 2);
    });
}
