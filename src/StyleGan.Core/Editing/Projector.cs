using StyleGan.Generation;
using StyleGan.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>The settings of a projection, NVIDIA's projector.py defaults.</summary>
public sealed record ProjectorOptions
{
    /// <summary>Optimization steps.</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Samples of w the start (their mean) and the w noise scale (their spread) come from.</summary>
    public int WAvgSamples { get; init; } = 10000;
    /// <summary>Peak learning rate of Adam.</summary>
    public double InitialLearningRate { get; init; } = 0.1;
    /// <summary>w noise at the start, as a fraction of the spread of w.</summary>
    public double InitialNoiseFactor { get; init; } = 0.05;
    /// <summary>Fraction of the steps the learning rate ramps down over, at the end (cosine).</summary>
    public double LrRampdownLength { get; init; } = 0.25;
    /// <summary>Fraction of the steps the learning rate ramps up over, at the start.</summary>
    public double LrRampupLength { get; init; } = 0.05;
    /// <summary>Fraction of the steps over which the w noise falls to 0 (quadratically).</summary>
    public double NoiseRampLength { get; init; } = 0.75;
    /// <summary>Weight of the noise regularization (autocorrelation of the noise buffers at every scale).</summary>
    public double RegularizeNoiseWeight { get; init; } = 1e5;
    /// <summary>Seeds the noise buffers' start and the w noise.</summary>
    public ulong Seed { get; init; } = 303;
    /// <summary>Optimize one w per layer (W+) instead of one w for all.</summary>
    public bool WPlus { get; init; }

    /// <summary>Refuses settings outside their ranges.</summary>
    public void Validate()
    {
        if (Steps is < 1 or > 1_000_000) throw new InvalidValueException(nameof(Steps), $"the step count {Steps} is outside [1, 1000000].");
        if (WAvgSamples is < 2 or > 1_000_000) throw new InvalidValueException(nameof(WAvgSamples), $"the w samples {WAvgSamples} are outside [2, 1000000].");
        foreach (var (name, value) in new[] { (nameof(InitialLearningRate), InitialLearningRate), (nameof(InitialNoiseFactor), InitialNoiseFactor),
            (nameof(LrRampdownLength), LrRampdownLength), (nameof(LrRampupLength), LrRampupLength), (nameof(NoiseRampLength), NoiseRampLength),
            (nameof(RegularizeNoiseWeight), RegularizeNoiseWeight) })
            if (!double.IsFinite(value) || value < 0 || value > 1e9) throw new InvalidValueException(name, $"{value} is not a number in [0, 1e9].");
    }
}

/// <summary>One step of a projection.</summary>
/// <param name="Step">0-based.</param>
/// <param name="Distance">The image distance at this step (before the update).</param>
/// <param name="Loss">Distance plus the weighted noise regularization.</param>
/// <param name="Ws">The ws after the update [1, num_ws, w_dim] (CPU).</param>
/// <param name="Image">The image synthesized at this step, before the update [1, C, H, W] in [-1, 1] (CPU).</param>
public sealed record ProjectionStep(int Step, double Distance, double Loss, Tensor Ws, Tensor Image);

/// <summary>
/// Projection of an image into W, NVIDIA's projector.py recipe: start from w_avg, add w noise that ramps down, Adam
/// (0.9, 0.999) on w and on the noise buffers with a learning rate that ramps up then down, noise regularized towards
/// white at every scale and renormalized each step, images compared at most 256x256 (area downsampling).
/// The network's noise buffers are put back afterwards, as NVIDIA's copy of the network leaves the original's.
/// </summary>
public static class Projector
{
    /// <summary>
    /// The steps, lazily: each is computed when enumerated, so a caller can show progress or record video. A step's
    /// tensors belong to the caller, in no dispose scope (dispose them, or keep the last).
    /// </summary>
    /// <param name="sampler">The generator (its device and class).</param>
    /// <param name="target">The image to project [1, C, H, W] in [-1, 1], at the generator's resolution.</param>
    /// <param name="distance">What is minimized (LPIPS or <see cref="ImageDistance.PixelMultiScale"/>).</param>
    /// <param name="options">The recipe's settings.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    public static IEnumerable<ProjectionStep> Run(Sampler sampler, Tensor target, ImageDistance distance, ProjectorOptions? options = null, int? classIndex = null)
    {
        var o = options ?? new ProjectorOptions();
        o.Validate();
        var config = sampler.Generator.Config;
        if (target.ndim != 4 || target.shape[0] != 1 || target.shape[1] != config.ImgChannels || target.shape[2] != config.ImgResolution || target.shape[3] != config.ImgResolution)
            throw new InvalidValueException("Target", $"the target is [{string.Join(", ", target.shape)}]; this network makes [1, {config.ImgChannels}, {config.ImgResolution}, {config.ImgResolution}].");
        return Steps(sampler, target, distance, o, classIndex);
    }

    static IEnumerable<ProjectionStep> Steps(Sampler sampler, Tensor target, ImageDistance distance, ProjectorOptions o, int? classIndex)
    {
        var device = sampler.Device;
        var (wAvg, wStd) = WStatistics(sampler, o.WAvgSamples, classIndex);
        var noise = NoiseInputs.Of(sampler.Generator.Synthesis);
        var saved = noise.Select(input => input.Const.detach().clone()).ToList();
        // The network itself is not optimized: no gradients for its weights, as NVIDIA's requires_grad_(False).
        var frozen = sampler.Generator.parameters().Where(p => p.requires_grad).ToList();
        foreach (var parameter in frozen) parameter.requires_grad_(false);
        using var random = new torch.Generator(o.Seed, device);
        using var targetSmall = Downsample(target.to(device)).detach();
        int numWs = sampler.NumWs;
        using var wOpt = (o.WPlus ? wAvg.repeat(1, numWs, 1) : wAvg.clone()).to(device).requires_grad_(true);
        try
        {
            using (no_grad())
                foreach (var input in noise) input.Const.copy_(randn(input.Const.shape, generator: random, device: device));
            foreach (var input in noise) input.Const.requires_grad_(true);
            using var optimizer = new TensorAdam([wOpt, .. noise.Select(input => input.Const)]);
            for (int step = 0; step < o.Steps; step++)
            {
                using var scope = NewDisposeScope();
                double t = step / (double)o.Steps;
                double wNoiseScale = wStd * o.InitialNoiseFactor * Math.Pow(Math.Max(0, 1 - t / Math.Max(o.NoiseRampLength, 1e-12)), 2);
                double lrRamp = Math.Min(1, (1 - t) / Math.Max(o.LrRampdownLength, 1e-12));
                lrRamp = (0.5 - 0.5 * Math.Cos(lrRamp * Math.PI)) * Math.Min(1, t / Math.Max(o.LrRampupLength, 1e-12));

                var w = wOpt + randn(wOpt.shape, generator: random, device: device) * wNoiseScale;
                var ws = o.WPlus ? w : w.repeat(1, numWs, 1);
                var image = sampler.Generator.Synthesis.forward(ws, Configs.NoiseMode.Const);
                var dist = distance.Compute(targetSmall, Downsample(image));
                var loss = dist + NoiseRegularization(noise) * o.RegularizeNoiseWeight;
                loss.backward();
                optimizer.Step(o.InitialLearningRate * lrRamp);
                using (no_grad())
                    foreach (var input in noise)
                    {
                        input.Const.sub_(input.Const.mean());
                        input.Const.mul_(input.Const.square().mean().rsqrt());
                    }
                var result = new ProjectionStep(step, dist.ToDouble(), loss.ToDouble(),
                    (o.WPlus ? wOpt : wOpt.repeat(1, numWs, 1)).detach().cpu().DetachFromDisposeScope(), image.detach().cpu().DetachFromDisposeScope());
                yield return result;
            }
        }
        finally
        {
            using (no_grad())
                for (int i = 0; i < noise.Count; i++)
                {
                    noise[i].Const.requires_grad_(false);
                    noise[i].Const.copy_(saved[i]);
                    saved[i].Dispose();
                }
            foreach (var parameter in frozen) parameter.requires_grad_(true);
            wAvg.Dispose();
        }
    }

    /// <summary>The mean of w [1, 1, w_dim] over z = RandomState(123).randn(samples, z_dim), and the root mean squared distance of w from it, as projector.py computes them.</summary>
    /// <param name="sampler">The generator.</param>
    /// <param name="samples">How many w.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    public static (Tensor WAvg, double WStd) WStatistics(Sampler sampler, int samples, int? classIndex = null)
    {
        using var scope = NewDisposeScope();
        int zDim = sampler.Generator.Config.ZDim;
        var z = tensor(new NumpyRandomState(123).Randn(samples * zDim), new long[] { samples, zDim }).to(float32);
        var w = sampler.Map(z, sampler.Labels(classIndex, samples)).narrow(1, 0, 1).to(float64); // [N, 1, C]
        var mean = w.mean([0], keepdim: true);
        double std = Math.Sqrt((w - mean).square().sum().item<double>() / samples);
        return (mean.to(float32).MoveToOuterDisposeScope(), std);
    }

    // Images larger than 256x256 are compared at 256x256 (area averaging), as NVIDIA's projector does.
    static Tensor Downsample(Tensor images) => images.shape[2] > 256 ? nn.functional.adaptive_avg_pool2d(images, [256, 256]) : images;

    // The squared autocorrelation of each noise buffer with itself shifted by one pixel, across and down, at every
    // scale down to 8x8: zero for white noise, so the optimizer cannot hide image content in the noise.
    static Tensor NoiseRegularization(IReadOnlyList<NoiseInput> noise)
    {
        Tensor total = zeros(1, device: noise.Count > 0 ? noise[0].Const.device : CPU).squeeze();
        foreach (var input in noise)
        {
            var n = input.Const.unsqueeze(0).unsqueeze(0);
            while (true)
            {
                total = total + (n * n.roll(1, 3)).mean().square() + (n * n.roll(1, 2)).mean().square();
                if (n.shape[2] <= 8) break;
                n = nn.functional.avg_pool2d(n, 2);
            }
        }
        return total;
    }
}
