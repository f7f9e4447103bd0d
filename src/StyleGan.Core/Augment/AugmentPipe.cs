using StyleGan.Ops;
using StyleGan.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static StyleGan.Ops.Homogeneous;

namespace StyleGan.Augment;

/// <summary>
/// StyleGAN2-ADA's augmentation pipeline (training/augment.py, "Training Generative Adversarial Networks with Limited
/// Data"): each transform of the config is applied to each image with probability multiplier * p. Pixel blitting and
/// the general geometric transforms are composed into one matrix and applied in one resampling (reflect padding,
/// 2x up-sampling with the sym6 wavelet, bilinear sampling, down-sampling); the colour transforms are one 4x4
/// matrix; then image-space filtering in 4 frequency bands, additive noise and cutout. Differentiable in the images
/// to any order, so that D's R1 penalty and G's gradient pass through it.
/// </summary>
public sealed class AugmentPipe : nn.Module
{
    readonly Tensor p;
    readonly Tensor Hz_geom;
    readonly Tensor Hz_fbank;
    readonly float[] geomTaps; // Hz_geom's taps, for the resampling's matrices

    /// <summary>The transforms and their strengths.</summary>
    public AugmentConfig Config { get; }

    /// <param name="config">The transforms and their strengths (see <see cref="AugmentPresets"/>).</param>
    /// <param name="p">The augmentation probability p, which every multiplier scales.</param>
    public AugmentPipe(AugmentConfig config, double p = 0) : base(nameof(AugmentPipe))
    {
        Config = config.Validate();
        register_buffer("p", this.p = tensor((float)p));
        register_buffer("Hz_geom", Hz_geom = Upfirdn2d.SetupFilter(Wavelets.Sym6.Select(v => (float)v).ToArray()));
        geomTaps = Hz_geom.data<float>().ToArray();
        var bank = Wavelets.FilterBank();
        register_buffer("Hz_fbank", Hz_fbank = tensor(bank, dtype: float64).to(float32));
    }

    /// <summary>The augmentation probability (a float32 buffer, saved with the pipeline).</summary>
    public double P
    {
        get => p.item<float>();
        set
        {
            using var _ = no_grad();
            p.fill_(value);
        }
    }

    /// <summary>Augments a minibatch [N, C, H, W] (C = 1 or 3), drawing from <paramref name="random"/> in augment.py's order.</summary>
    public Tensor forward(Tensor images, IAugmentRandom random)
    {
        if (images.ndim != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"Augmentation takes images [N, 1 or 3, H, W], not [{string.Join(", ", images.shape)}].");
        if (Math.Min(images.shape[2], images.shape[3]) < Config.MinimumResolution)
            throw new ArgumentException($"Image-space filtering needs images of at least {Config.MinimumResolution} pixels a side, not {images.shape[2]}x{images.shape[3]}.");
        using var scope = NewDisposeScope();
        var result = images;
        if (Config.Geometric) result = Geometric(result, random);
        result = Colour(result, random);
        if (Config.Imgfilter > 0) result = Filter(result, random);
        if (Config.Noise > 0) result = AddNoise(result, random);
        if (Config.Cutout > 0) result = ApplyCutout(result, random);
        return ReferenceEquals(result, images) ? images : result.MoveToOuterDisposeScope();
    }

    // The parameter where a draw says the transform applies (uniform < multiplier * p), else its identity value.
    Tensor Chosen(Tensor value, Tensor identity, IAugmentRandom random, Tensor probability, long[] shape) =>
        where(random.Uniform(shape, value.device) < probability, value, identity);

    Tensor Probability(double multiplier) => p * multiplier;

    Tensor Geometric(Tensor images, IAugmentRandom random)
    {
        var c = Config;
        long batch = images.shape[0], height = images.shape[2], width = images.shape[3];
        var device = images.device;
        long[] perImage = [batch], perImage2 = [batch, 2], perImageColumn = [batch, 1];

        // The inverse transform, output pixel -> input pixel.
        var inverse = eye(3, device: device);
        if (c.Xflip > 0)
        {
            var i = floor(random.Uniform(perImage, device) * 2);
            i = Chosen(i, zeros_like(i), random, Probability(c.Xflip), perImage);
            inverse = inverse.matmul(Scale2dInverse(1 - 2 * i, ones_like(i)));
        }
        if (c.Rotate90 > 0)
        {
            var i = floor(random.Uniform(perImage, device) * 4);
            i = Chosen(i, zeros_like(i), random, Probability(c.Rotate90), perImage);
            inverse = inverse.matmul(Rotate2dInverse(-Math.PI / 2 * i));
        }
        if (c.Xint > 0)
        {
            var t = (random.Uniform(perImage2, device) * 2 - 1) * c.XintMax;
            t = Chosen(t, zeros_like(t), random, Probability(c.Xint), perImageColumn);
            inverse = inverse.matmul(Translate2dInverse(round(t[.., 0] * width), round(t[.., 1] * height)));
        }
        if (c.Scale > 0)
        {
            var s = exp2(random.Normal(perImage, device) * c.ScaleStd);
            s = Chosen(s, ones_like(s), random, Probability(c.Scale), perImage);
            inverse = inverse.matmul(Scale2dInverse(s, s));
        }
        // Rotation before and after the anisotropic scaling, each with p_rot, so that P(either) = rotate * p.
        var pRot = 1 - sqrt((1 - Probability(c.Rotate)).clamp(0, 1));
        if (c.Rotate > 0)
        {
            var theta = (random.Uniform(perImage, device) * 2 - 1) * Math.PI * c.RotateMax;
            theta = Chosen(theta, zeros_like(theta), random, pRot, perImage);
            inverse = inverse.matmul(Rotate2dInverse(-theta));
        }
        if (c.Aniso > 0)
        {
            var s = exp2(random.Normal(perImage, device) * c.AnisoStd);
            s = Chosen(s, ones_like(s), random, Probability(c.Aniso), perImage);
            inverse = inverse.matmul(Scale2dInverse(s, 1 / s));
        }
        if (c.Rotate > 0)
        {
            var theta = (random.Uniform(perImage, device) * 2 - 1) * Math.PI * c.RotateMax;
            theta = Chosen(theta, zeros_like(theta), random, pRot, perImage);
            inverse = inverse.matmul(Rotate2dInverse(-theta));
        }
        if (c.Xfrac > 0)
        {
            var t = random.Normal(perImage2, device) * c.XfracStd;
            t = Chosen(t, zeros_like(t), random, Probability(c.Xfrac), perImageColumn);
            inverse = inverse.matmul(Translate2dInverse(t[.., 0] * width, t[.., 1] * height));
        }
        return Resample(images, inverse);
    }

    // Applies the inverse transforms [N, 3, 3] in one resampling, as augment.py does.
    Tensor Resample(Tensor images, Tensor inverse)
    {
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var device = images.device;
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;

        // Padding: enough for where the transformed corners land, plus the filter's reach, at most the image size.
        var corners = tensor(new float[,] { { (float)-cx, (float)-cy, 1 }, { (float)cx, (float)-cy, 1 }, { (float)cx, (float)cy, 1 }, { (float)-cx, (float)cy, 1 } }, device: device);
        var moved = inverse.matmul(corners.t());                                    // [N, xyz, corner]
        int filterPad = geomTaps.Length / 4;
        var extent = moved[.., ..2, ..].permute(1, 0, 2).flatten(1);                // [xy, N * corner]
        var margin = cat([-extent, extent]).max(1).values;                          // [x0, y0, x1, y1]
        var reach = tensor(new[] { (float)(filterPad * 2 - cx), (float)(filterPad * 2 - cy), (float)(filterPad * 2 - cx), (float)(filterPad * 2 - cy) }, device: device);
        margin = (margin + reach).maximum(zeros(4, device: device));
        margin = margin.minimum(tensor(new float[] { width - 1, height - 1, width - 1, height - 1 }, device: device));
        var m = margin.ceil().to(int32).cpu().data<int>().ToArray();
        int mx0 = m[0], my0 = m[1], mx1 = m[2], my1 = m[3];

        images = nn.functional.pad(images, [mx0, mx1, my0, my1], PaddingModes.Reflect);
        inverse = Translate2d((mx0 - mx1) / 2.0, (my0 - my1) / 2.0, device).matmul(inverse);

        images = SeparableResample.Upsample2d(images, geomTaps, up: 2);
        inverse = Scale2d(2, 2, device).matmul(inverse).matmul(Scale2d(0.5, 0.5, device));
        inverse = Translate2d(-0.5, -0.5, device).matmul(inverse).matmul(Translate2d(0.5, 0.5, device));

        long[] shape = [batch, channels, (height + filterPad * 2) * 2, (width + filterPad * 2) * 2];
        inverse = Scale2d(2.0 / images.shape[3], 2.0 / images.shape[2], device).matmul(inverse)
            .matmul(Scale2d(1 / (2.0 / shape[3]), 1 / (2.0 / shape[2]), device));
        var grid = nn.functional.affine_grid(inverse[.., ..2, ..], shape, align_corners: false);
        images = BilinearSample.Sample(images, grid);

        return SeparableResample.Downsample2d(images, geomTaps, down: 2, padding: -filterPad * 2, flipFilter: true);
    }

    Tensor Colour(Tensor images, IAugmentRandom random)
    {
        var c = Config;
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var device = images.device;
        long[] perImage = [batch], perImageMatrix = [batch, 1, 1];
        bool rgb = channels > 1;
        if (!(c.Brightness > 0 || c.Contrast > 0 || c.Lumaflip > 0 || rgb && (c.Hue > 0 || c.Saturation > 0))) return images;

        // The homogeneous colour transform, colour_in -> colour_out.
        var identity = eye(4, device: device);
        var transform = identity;
        if (c.Brightness > 0)
        {
            var b = random.Normal(perImage, device) * c.BrightnessStd;
            b = Chosen(b, zeros_like(b), random, Probability(c.Brightness), perImage);
            transform = Translate3d(b, b, b).matmul(transform);
        }
        if (c.Contrast > 0)
        {
            var s = exp2(random.Normal(perImage, device) * c.ContrastStd);
            s = Chosen(s, ones_like(s), random, Probability(c.Contrast), perImage);
            transform = Scale3d(s, s, s).matmul(transform);
        }
        var luma = (tensor(new double[] { 1, 1, 1, 0 }) / Math.Sqrt(3)).to(float32).to(device); // the luma axis
        var lumaProjection = outer(luma, luma);
        if (c.Lumaflip > 0)
        {
            var i = floor(random.Uniform(perImageMatrix, device) * 2);
            i = Chosen(i, zeros_like(i), random, Probability(c.Lumaflip), perImageMatrix);
            transform = (identity - 2 * lumaProjection * i).matmul(transform); // Householder reflection
        }
        if (c.Hue > 0 && rgb)
        {
            var theta = (random.Uniform(perImage, device) * 2 - 1) * Math.PI * c.HueMax;
            theta = Chosen(theta, zeros_like(theta), random, Probability(c.Hue), perImage);
            transform = Rotate3d(luma, theta).matmul(transform); // rotation about the luma axis
        }
        if (c.Saturation > 0 && rgb)
        {
            var s = exp2(random.Normal(perImageMatrix, device) * c.SaturationStd);
            s = Chosen(s, ones_like(s), random, Probability(c.Saturation), perImageMatrix);
            transform = (lumaProjection + (identity - lumaProjection) * s).matmul(transform);
        }

        images = images.reshape(batch, channels, height * width);
        if (rgb)
        {
            images = transform[.., ..3, ..3].matmul(images) + transform[.., ..3, 3..];
        }
        else
        {
            // One channel: the mean of the RGB rows, applied to a grey pixel (r = g = b).
            var grey = transform[.., ..3, ..].mean([1], keepdim: true);
            images = images * grey[.., .., ..3].sum([2], keepdim: true) + grey[.., .., 3..];
        }
        return images.reshape(batch, channels, height, width);
    }

    Tensor Filter(Tensor images, IAugmentRandom random)
    {
        ConvolutionCheck.Ensure();
        var c = Config;
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var device = images.device;
        int bands = (int)Hz_fbank.shape[0];
        var expectedPower = (tensor(new double[] { 10, 1, 1, 1 }) / 13).to(float32).to(device); // a 1/f power spectrum

        // Each band amplified with probability imgfilter * p * band multiplier, the total power kept.
        var gain = ones(batch, bands, device: device);
        for (int i = 0; i < bands; i++)
        {
            var bandGain = exp2(random.Normal([batch], device) * c.ImgfilterStd);
            bandGain = Chosen(bandGain, ones_like(bandGain), random, Probability(c.Imgfilter * c.ImgfilterBands[i]), [batch]);
            var t = ones(batch, bands, device: device);
            t[.., i] = bandGain;
            t = t / (expectedPower * t.square()).sum([-1], keepdim: true).sqrt();
            gain = gain * t;
        }

        var filters = gain.matmul(Hz_fbank).unsqueeze(1).repeat(1, channels, 1).reshape(batch * channels, 1, -1); // [N * C, 1, taps]
        long pad = Hz_fbank.shape[1] / 2;
        images = images.reshape(1, batch * channels, height, width);
        images = nn.functional.pad(images, [pad, pad, pad, pad], PaddingModes.Reflect);
        images = nn.functional.conv2d(images, filters.unsqueeze(2), groups: batch * channels);
        images = nn.functional.conv2d(images, filters.unsqueeze(3), groups: batch * channels);
        return images.reshape(batch, channels, height, width);
    }

    Tensor AddNoise(Tensor images, IAugmentRandom random)
    {
        long batch = images.shape[0];
        long[] perImage = [batch, 1, 1, 1];
        var sigma = random.Normal(perImage, images.device).abs() * Config.NoiseStd;
        sigma = Chosen(sigma, zeros_like(sigma), random, Probability(Config.Noise), perImage);
        return images + random.Normal(images.shape, images.device) * sigma;
    }

    Tensor ApplyCutout(Tensor images, IAugmentRandom random)
    {
        long batch = images.shape[0], height = images.shape[2], width = images.shape[3];
        var device = images.device;
        var size = full([batch, 2, 1, 1, 1], Config.CutoutSize, dtype: float32, device: device);
        size = Chosen(size, zeros_like(size), random, Probability(Config.Cutout), [batch, 1, 1, 1, 1]);
        var centre = random.Uniform([batch, 2, 1, 1, 1], device);
        var x = arange(width, device: device).reshape(1, 1, 1, -1);
        var y = arange(height, device: device).reshape(1, 1, -1, 1);
        var outsideX = ((x + 0.5) / width - centre[.., 0]).abs() >= size[.., 0] / 2;
        var outsideY = ((y + 0.5) / height - centre[.., 1]).abs() >= size[.., 1] / 2;
        return images * logical_or(outsideX, outsideY).to(float32);
    }
}
