using System.Globalization;
using StyleGan.Formats;
using StyleGan.Ops;
using StyleGan.Runtime;
using StyleGan.Formats.Pickle;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// torchvision's VGG16 convolutional trunk (<c>vgg16().features</c>: 3x3 convolutions with ReLU, 2x2 max pools) under
/// torchvision's state-dict names (<c>features.0.weight</c>, <c>features.0.bias</c>, <c>features.2.weight</c>, ...),
/// returning the five activations LPIPS compares, the last ReLU of each stage: relu1_2, relu2_2, relu3_3, relu4_3,
/// relu5_3 (lpips' <c>pretrained_networks.vgg16</c> slices), or with the trunk's final pool what VGG16's classifier
/// reads (<see cref="Pooled"/>, for <see cref="Vgg16Embedding"/>). The weights are frozen: gradients flow through to
/// the images only.
/// </summary>
public sealed class Vgg16Features : nn.Module
{
    /// <summary>torchvision's ImageNet weights, <c>torchvision.models.vgg16(pretrained=True)</c>'s file.</summary>
    public static PublishedFile Published { get; } =
        new("vgg16-397923af.pth", "https://download.pytorch.org/models/vgg16-397923af.pth", Sha256Prefix: "397923af");

    /// <summary>The activations <see cref="forward"/> returns, in order (lpips' names).</summary>
    public static IReadOnlyList<string> TapNames { get; } = ["relu1_2", "relu2_2", "relu3_3", "relu4_3", "relu5_3"];

    /// <summary>torchvision's widths of the five stages.</summary>
    public static IReadOnlyList<long> StandardWidths { get; } = [64, 128, 256, 512, 512];

    /// <summary>The smallest height and width whose relu5_3 is not empty (four 2x2 pools come before it).</summary>
    public const int MinSize = 16;

    /// <summary>The smallest height and width whose <see cref="Pooled"/> output is not empty (five 2x2 pools).</summary>
    public const int MinPooledSize = 32;

    // The indices of the convolutions in torchvision's `features` Sequential, stage by stage. Each is followed by its
    // ReLU; the max pools sit at 4, 9, 16, 23 (before stages 2 to 5) and 30 (after the last tap).
    static readonly int[][] StageConvolutions = [[0, 2], [5, 7], [10, 12, 14], [17, 19, 21], [24, 26, 28]];

    readonly Conv2d[][] stages;

    /// <param name="widths">Output channels of the five stages: <see cref="StandardWidths"/>, or others of the same layout.</param>
    public Vgg16Features(IReadOnlyList<long> widths) : base(nameof(Vgg16Features))
    {
        if (widths.Count != StageConvolutions.Length || widths.Any(w => w < 1))
            throw new ArgumentException($"VGG16 has {StageConvolutions.Length} stages of at least one channel; got widths [{string.Join(", ", widths)}].", nameof(widths));
        ConvolutionCheck.Ensure();
        TapChannels = widths.ToArray();
        var features = new ModuleDict<Conv2d>();
        long inChannels = 3;
        stages = StageConvolutions.Select((indices, stage) => indices.Select(index =>
        {
            var convolution = nn.Conv2d(inChannels, widths[stage], 3, padding: 1);
            features.Add((index.ToString(CultureInfo.InvariantCulture), convolution));
            inChannels = widths[stage];
            return convolution;
        }).ToArray()).ToArray();
        register_module("features", features);
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    /// <summary>Channels of the five activations.</summary>
    public IReadOnlyList<long> TapChannels { get; }

    /// <summary>
    /// Reads torchvision's VGG16 state dict (<c>torch.save(vgg16().state_dict())</c>, as vgg16-397923af.pth), or one
    /// of the same keys with other widths, which are read from the file's shapes. Its <c>classifier.*</c> entries
    /// are skipped; any other entry that is not a convolution of the layout, a missing one or a wrong shape is
    /// refused, naming the file and the entry. Nothing in the file is executed.
    /// </summary>
    /// <param name="path">The file.</param>
    public static Vgg16Features Load(string path) => TorchFile.Load(path, value => FromStateDict(TorchModules.TensorDict(value, path), path));

    /// <summary>The trunk of a VGG16 state dict already read (see <see cref="Load"/>); the caller keeps the tensors.</summary>
    /// <param name="tensors">The file's entries by name.</param>
    /// <param name="path">The file, for messages.</param>
    internal static Vgg16Features FromStateDict(IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var widths = StageConvolutions.Select(indices =>
        {
            var key = $"features.{indices[0]}.weight";
            if (!tensors.TryGetValue(key, out var weight))
                throw new InvalidDataException($"{path} has no entry '{key}': it is not torchvision's VGG16 state dict (features.0.weight, features.2.weight, features.5.weight, ...).");
            if (weight.dim() != 4 || weight.shape[0] < 1)
                throw new InvalidDataException($"{path}: '{key}' has shape [{string.Join(", ", weight.shape)}], not the [out, in, 3, 3] of a VGG16 convolution.");
            return weight.shape[0];
        }).ToArray();
        var trunk = tensors.Where(kv => !kv.Key.StartsWith("classifier.", StringComparison.Ordinal)).ToDictionary();
        foreach (var (key, tensor) in trunk)
            if (!tensor.is_floating_point())
                throw new InvalidDataException($"{path}: '{key}' holds {tensor.dtype} values, not the floating-point weights of a VGG16 convolution.");
        var features = new Vgg16Features(widths);
        try
        {
            StateDict.Load(features, trunk, origin: path);
        }
        catch
        {
            features.Dispose();
            throw;
        }
        features.eval();
        return features;
    }

    /// <param name="images">Images [N, 3, H, W] as the trunk takes them (for torchvision's weights, normalized by
    /// ImageNet's mean and deviation), H and W at least <see cref="MinSize"/>; float32 or float64.</param>
    /// <returns>relu1_2 to relu5_3: [N, TapChannels[k], H / 2^k, W / 2^k], the sizes rounded down at each pool.</returns>
    public Tensor[] forward(Tensor images)
    {
        CheckImages(images, MinSize);
        var taps = new Tensor[stages.Length];
        var x = images;
        for (int stage = 0; stage < stages.Length; stage++) x = taps[stage] = NextStage(x, stage);
        return taps;
    }

    /// <summary>
    /// torchvision's <c>vgg16().features(images)</c>: the five stages and the final 2x2 max pool (pool5), what VGG16's
    /// classifier reads. Unlike <see cref="forward"/>, it keeps no tap: each stage's output is freed once the next
    /// stage has read it.
    /// </summary>
    /// <param name="images">As <see cref="forward"/>'s, H and W at least <see cref="MinPooledSize"/>.</param>
    /// <returns>[N, TapChannels[4], H / 32, W / 32], the sizes rounded down at each pool.</returns>
    public Tensor Pooled(Tensor images)
    {
        CheckImages(images, MinPooledSize);
        var x = images;
        for (int stage = 0; stage < stages.Length; stage++)
        {
            var next = NextStage(x, stage);
            if (stage > 0) x.Dispose(); // the caller's own images stay
            x = next;
        }
        using (x) return Intermediates.Keep(() => nn.functional.max_pool2d(x, 2));
    }

    static void CheckImages(Tensor images, int minSize)
    {
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] < minSize || images.shape[3] < minSize)
            throw new ArgumentException($"VGG16 takes images [N, 3, H, W] with H and W at least {minSize}; got [{string.Join(", ", images.shape)}].", nameof(images));
    }

    Tensor NextStage(Tensor x, int stage) => Intermediates.Keep(() => Stage(x, stages[stage], pool: stage > 0));

    static Tensor Stage(Tensor x, Conv2d[] convolutions, bool pool)
    {
        if (pool) x = nn.functional.max_pool2d(x, 2);
        foreach (var convolution in convolutions)
            // The ReLU overwrites the convolution's output, as torchvision's ReLU(inplace=True) does: the
            // convolution's backward needs its input and weight, not its output.
            x = nn.functional.conv2d(x, convolution.weight!.to(x.dtype), convolution.bias!.to(x.dtype), padding: [1, 1]).relu_();
        return x;
    }
}
