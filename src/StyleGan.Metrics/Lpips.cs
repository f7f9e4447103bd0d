using StyleGan.Editing;
using StyleGan.Formats;
using StyleGan.Ops;
using StyleGan.Formats.Pickle;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// LPIPS v0.1 with the VGG16 trunk (Zhang et al. 2018, "The Unreasonable Effectiveness of Deep Features as a
/// Perceptual Metric"), as richzhang/PerceptualSimilarity computes <c>lpips.LPIPS(net='vgg', version='0.1')</c> for
/// images in [-1, 1] (<c>forward(in0, in1, normalize=False)</c>): both images are scaled towards ImageNet's
/// statistics, run through the trunk, and at each of its five taps the squared difference of the unit-normalized
/// features is weighted per channel by a learned 1x1 convolution and averaged over the image; the five averages add up
/// to the distance. Differentiable in both images (projection backpropagates through it); the weights are frozen.
/// Parameter names: the trunk's under <c>net.</c>, the learned weights as lpips names them (<c>lin0.model.1.weight</c>
/// .. <c>lin4.model.1.weight</c>).
/// </summary>
public sealed class Lpips : nn.Module
{
    /// <summary>The setting that names torchvision's VGG16 file (see InvalidValueException.Name); the CLI's <c>--vgg</c>.</summary>
    public const string VggSetting = "VggFile";

    // lpips' ScalingLayer: ImageNet's mean and deviation brought to the [-1, 1] range. float32, as lpips holds them in
    // float32 buffers, so float64 runs use the same rounded constants.
    static readonly float[] Shift = [-.030f, -.088f, -.188f];
    static readonly float[] Scale = [.458f, .448f, .450f];

    // lpips' normalize_tensor adds this to the norm, so an all-zero feature vector (a dead ReLU everywhere) stays zero.
    const double NormEpsilon = 1e-10;

    readonly Vgg16Features net;
    readonly Conv2d[] lins;

    /// <param name="net">The trunk; its tap widths set the widths of the learned weights.</param>
    public Lpips(Vgg16Features net) : base(nameof(Lpips))
    {
        register_module("net", this.net = net);
        lins = net.TapChannels.Select((channels, k) =>
        {
            // lpips' NetLinLayer is Sequential(Dropout, Conv2d): the convolution is its module "1". The dropout, the
            // identity in the eval mode lpips measures in, is left out.
            var linear = nn.Conv2d(channels, 1, 1, bias: false);
            var model = new ModuleDict<Conv2d> { ("1", linear) };
            register_module($"lin{k}", new ModuleDict<nn.Module> { ("model", model) });
            return linear;
        }).ToArray();
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    /// <summary>The trunk.</summary>
    public Vgg16Features Net => net;

    /// <summary>
    /// Reads lpips' learned weights and torchvision's VGG16 trunk (neither file is executed). A file of another
    /// layout is refused naming the file and the entry; a VGG16 file that cannot be found is refused with
    /// <see cref="InvalidValueException"/> (<see cref="VggSetting"/>), saying where to get it and where to put it.
    /// </summary>
    /// <param name="linFile">lpips' <c>weights/v0.1/vgg.pth</c> (the tool bundles it as data/lpips-vgg-v0.1.pth).</param>
    /// <param name="vggFile">torchvision's vgg16-397923af.pth or a file of its layout; null: that file in the cache
    /// folder (<see cref="Vgg16Features.Published"/>).</param>
    /// <param name="device">Where to compute; null: the CPU.</param>
    public static Lpips Load(string linFile, string? vggFile = null, Device? device = null)
    {
        var lpips = Load(linFile, Vgg16Features.Load(Vgg16Features.Published.Locate(vggFile, VggSetting, "torchvision's VGG16 weights (for LPIPS)")));
        if (device is not null) lpips.to(device);
        return lpips;
    }

    /// <summary>Reads lpips' learned weights for a trunk already loaded.</summary>
    /// <param name="linFile">lpips' <c>weights/v0.1/vgg.pth</c>, or a file of its keys for the trunk's widths.</param>
    /// <param name="net">The trunk, which the result owns.</param>
    public static Lpips Load(string linFile, Vgg16Features net)
    {
        var lpips = new Lpips(net);
        try
        {
            TorchFile.Load(linFile, value =>
            {
                var report = StateDict.Load(lpips, TorchModules.TensorDict(value, linFile), strict: false, origin: linFile);
                var missing = report.Missing.Where(name => !name.StartsWith("net.", StringComparison.Ordinal)).ToList();
                if (missing.Count > 0 || report.Unexpected.Count > 0)
                    throw new InvalidDataException($"{linFile} is not lpips' v0.1 weights for VGG16 (lin0.model.1.weight .. lin4.model.1.weight): " +
                        $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", report.Unexpected)}].");
                return report;
            });
        }
        catch
        {
            lpips.Dispose();
            throw;
        }
        lpips.eval();
        return lpips;
    }

    /// <summary>The distance of each pair: [N]. (lpips returns the same values as [N, 1, 1, 1].)</summary>
    /// <param name="x0">Images [N, 3, H, W] in [-1, 1], H and W at least <see cref="Vgg16Features.MinSize"/>; float32 or float64.</param>
    /// <param name="x1">Images of the same shape and type.</param>
    public Tensor forward(Tensor x0, Tensor x1) => Intermediates.Keep(() => Distance(Features(x0), Features(x1)));

    /// <summary>LPIPS as the distance a projection minimizes, as NVIDIA's projector does (its own VGG16 export of the same features).</summary>
    public ImageDistance ProjectionDistance()
    {
        // A projection compares every step with one target: its features are computed once, outside every step's scope.
        Tensor? seen = null;
        Tensor[]? targetFeatures = null;
        return new("LPIPS (VGG16, lpips v0.1)", (target, synthesized) =>
        {
            if (!ReferenceEquals(seen, target))
            {
                using (no_grad()) targetFeatures = Features(target).Select(f => f.detach().DetachFromDisposeScope()).ToArray();
                seen = target;
            }
            return Distance(targetFeatures!, Features(synthesized)).sum();
        });
    }

    /// <summary>
    /// The unit-normalized features of images at the five taps, [N, C_k, H_k, W_k]; a fixed image's features (a
    /// projection's target) can be computed once and compared with <see cref="Distance"/> many times.
    /// </summary>
    /// <param name="images">Images [N, 3, H, W] in [-1, 1], H and W at least <see cref="Vgg16Features.MinSize"/>.</param>
    public Tensor[] Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var features = net.forward(ScaleInput(images)).Select(tap => Intermediates.Keep(() => NormalizeChannels(tap))).ToArray();
        foreach (var tap in features) scope.MoveToOuter(tap);
        return features;
    }

    /// <summary>The distance of each pair from their <see cref="Features"/>: [N], the sum of <see cref="PerTap"/>.</summary>
    /// <param name="features0">The first images' features.</param>
    /// <param name="features1">The second images' features, of the same shapes.</param>
    public Tensor Distance(Tensor[] features0, Tensor[] features1) => Intermediates.Keep(() =>
    {
        var taps = PerTap(features0, features1);
        // Added in lpips' order, so that float32 rounding matches it.
        var total = taps[0];
        for (int k = 1; k < taps.Length; k++) total = total + taps[k];
        return total;
    });

    /// <summary>Each tap's share of the distance, relu1_2 to relu5_3: [N] each (lpips' <c>retPerLayer</c>).</summary>
    /// <param name="features0">The first images' features.</param>
    /// <param name="features1">The second images' features, of the same shapes.</param>
    public Tensor[] PerTap(Tensor[] features0, Tensor[] features1)
    {
        if (features0.Length != lins.Length || features1.Length != lins.Length)
            throw new ArgumentException($"LPIPS compares {lins.Length} taps; got {features0.Length} and {features1.Length}.");
        for (int k = 0; k < lins.Length; k++)
            if (!features0[k].shape.SequenceEqual(features1[k].shape))
                throw new ArgumentException($"Tap {Vgg16Features.TapNames[k]}: features [{string.Join(", ", features0[k].shape)}] and [{string.Join(", ", features1[k].shape)}] differ; compare images of the same shape.");
        return lins.Select((linear, k) => Intermediates.Keep(() => TapDistance(features0[k], features1[k], linear.weight!))).ToArray();
    }

    /// <summary>lpips' ScalingLayer: (x - shift) / scale per RGB channel, from [-1, 1] to the trunk's input range.</summary>
    /// <param name="images">Images [N, 3, H, W] in [-1, 1].</param>
    public static Tensor ScaleInput(Tensor images) => Intermediates.Keep(() => Images.PixelRange.Standardize(images, Shift, Scale));

    /// <summary>lpips' normalize_tensor: each position's feature vector divided by its length (+1e-10).</summary>
    /// <param name="features">Features [N, C, H, W].</param>
    public static Tensor NormalizeChannels(Tensor features) =>
        features / (features.square().sum(1, keepdim: true).sqrt() + NormEpsilon);

    /// <summary>One tap's term: the squared difference weighted by the 1x1 convolution, averaged over the image.</summary>
    /// <param name="features0">Normalized features [N, C, H, W].</param>
    /// <param name="features1">Normalized features of the same shape.</param>
    /// <param name="weight">The learned weights [1, C, 1, 1].</param>
    static Tensor TapDistance(Tensor features0, Tensor features1, Tensor weight)
    {
        var difference = (features0 - features1).square();
        return nn.functional.conv2d(difference, weight.to(difference.dtype)).mean([2, 3]).flatten();
    }
}
