using StyleGan.Formats;
using StyleGan.Ops;
using StyleGan.Formats.Pickle;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// torchvision's VGG16 up to fc7: the 4096 features of the second fully connected layer after its ReLU, the feature
/// space in which Kynkäänniemi et al. (2019, "Improved Precision and Recall Metric for Assessing Generative Models")
/// and NVIDIA's pr50k3 measure precision and recall (<see cref="PrecisionRecall"/>). torchvision's
/// <c>VGG.forward</c> in eval mode as far as <c>classifier[:5]</c>: the trunk with its final pool
/// (<see cref="Vgg16Features.Pooled"/>), adaptive average pool to 7x7, flatten, <c>classifier.0</c> (Linear) and ReLU,
/// <c>classifier.2</c> (Dropout, the identity in eval mode), <c>classifier.3</c> (Linear) and ReLU. The 1000 ImageNet
/// logits of <c>classifier.6</c> are not computed: an embedding scores no IS (Inception's logits do).
/// <para>
/// This is not NVIDIA's detector. NVIDIA's metric runs its own TorchScript file (stylegan2-ada-pytorch's
/// <c>metrics/vgg16.pt</c>: VGG's original weights converted, and its own resizing), which we neither have nor can
/// read; with torchvision's weights (vgg16-397923af.pth) precision and recall follow the same definition in a
/// similar feature space, but their values differ from published pr50k3 numbers.
/// </para>
/// Parameter names: the trunk's under <c>trunk.</c> (<c>trunk.features.0.weight</c>, ...), the layers above it as
/// torchvision names them (<c>classifier.0.weight</c>, <c>classifier.3.weight</c>, ...). The weights are frozen.
/// </summary>
public sealed class Vgg16Embedding : nn.Module, IFeatureNetwork
{
    /// <summary>The height and width every image is resized to: ImageNet's crop, for which pool5 is the 7x7 the classifier reads.</summary>
    public const int InputSize = 224;

    /// <summary>The grid the adaptive average pool brings pool5 to (the identity for <see cref="InputSize"/> inputs).</summary>
    const int PoolSize = 7;

    // torchvision's ImageNet normalization, in float32 as torchvision's transforms hold them.
    static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    static readonly float[] Deviation = [0.229f, 0.224f, 0.225f];

    readonly Vgg16Features trunk;
    readonly Linear fc6, fc7;

    /// <param name="trunk">The convolutional trunk, which the embedding owns.</param>
    /// <param name="hiddenWidth">Outputs of fc6 (<c>classifier.0</c>): 4096 in torchvision's VGG16.</param>
    /// <param name="featureCount">Outputs of fc7 (<c>classifier.3</c>), the features: 4096 in torchvision's VGG16.</param>
    public Vgg16Embedding(Vgg16Features trunk, long hiddenWidth, long featureCount) : base(nameof(Vgg16Embedding))
    {
        if (hiddenWidth < 1 || featureCount < 1)
            throw new ArgumentException($"VGG16's fully connected layers need at least one output; got {hiddenWidth} and {featureCount}.");
        register_module("trunk", this.trunk = trunk);
        fc6 = nn.Linear(trunk.TapChannels[^1] * PoolSize * PoolSize, hiddenWidth);
        fc7 = nn.Linear(hiddenWidth, featureCount);
        // torchvision's classifier is Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear): its linears are
        // modules 0, 3 and 6.
        register_module("classifier", new ModuleDict<Linear> { ("0", fc6), ("3", fc7) });
        FeatureCount = featureCount;
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    public string Name => "VGG16 fc7 (torchvision)";

    public string? WeightsDigest { get; private set; }

    /// <summary>The size of the fc7 features: 4096 at torchvision's widths.</summary>
    public long FeatureCount { get; }

    /// <summary>
    /// Reads torchvision's whole VGG16 state dict (<c>torch.save(vgg16().state_dict())</c>, as vgg16-397923af.pth), or
    /// one of its keys with other widths, which are read from the file's shapes. <c>classifier.6.*</c> (the ImageNet
    /// logits) is skipped. A file of the trunk alone (no <c>classifier.0</c> or <c>classifier.3</c>), or any other
    /// layout, is refused naming the file and the entry; a VGG16 file that cannot be found is refused with
    /// <see cref="InvalidValueException"/> (<see cref="Lpips.VggSetting"/>), saying where to get it and where to put
    /// it. Nothing in the file is executed.
    /// </summary>
    /// <param name="path">The file; null: <see cref="Vgg16Features.Published"/>'s name in the cache folder, checked against its digest.</param>
    /// <param name="device">Where to compute; null: the CPU.</param>
    public static Vgg16Embedding Load(string? path = null, Device? device = null)
    {
        var file = Vgg16Features.Published.Locate(path, Lpips.VggSetting, "torchvision's VGG16 weights (for precision and recall)");
        var embedding = TorchFile.Load(file, value => FromStateDict(TorchModules.TensorDict(value, file), file));
        embedding.WeightsDigest = Files.FileDigest.Sha256(file, Vgg16Features.Published.Name);
        if (device is not null) embedding.to(device);
        return embedding;
    }

    static Vgg16Embedding FromStateDict(Dictionary<string, Tensor> tensors, string path)
    {
        long Outputs(string key, string layer)
        {
            if (!tensors.TryGetValue(key, out var weight))
                throw new InvalidDataException($"{path} has no entry '{key}' ({layer}): it is not torchvision's whole VGG16 state dict " +
                    "(features.* and classifier.*, as vgg16-397923af.pth); a file of the convolutions alone serves LPIPS, not the fc7 features.");
            if (weight.dim() != 2 || weight.shape[0] < 1)
                throw new InvalidDataException($"{path}: '{key}' has shape [{string.Join(", ", weight.shape)}], not the [out, in] of VGG16's {layer}.");
            return weight.shape[0];
        }
        long hidden = Outputs("classifier.0.weight", "fc6"), features = Outputs("classifier.3.weight", "fc7");
        var trunk = Vgg16Features.FromStateDict(tensors, path);
        Vgg16Embedding embedding;
        try
        {
            embedding = new Vgg16Embedding(trunk, hidden, features);
        }
        catch
        {
            trunk.Dispose();
            throw;
        }
        try
        {
            var classifier = tensors.Where(kv => kv.Key.StartsWith("classifier.", StringComparison.Ordinal) && !kv.Key.StartsWith("classifier.6.", StringComparison.Ordinal))
                .ToDictionary();
            // The trunk is read already; what is left to read is the classifier's, all of it.
            var report = StateDict.Load(embedding, classifier, strict: false, origin: path);
            var missing = report.Missing.Where(name => !name.StartsWith("trunk.", StringComparison.Ordinal)).ToList();
            if (missing.Count > 0 || report.Unexpected.Count > 0)
                throw new InvalidDataException($"{path}: the classifier is not torchvision's VGG16 layout (classifier.0, classifier.3, classifier.6 linears): " +
                    $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", report.Unexpected)}].");
        }
        catch
        {
            embedding.Dispose();
            throw;
        }
        embedding.eval();
        return embedding;
    }

    public (Tensor Features, Tensor? Logits) Extract(Tensor images) => (Intermediates.Keep(() => forward(Preprocess(images))), null);

    /// <summary>The fc7 features [N, <see cref="FeatureCount"/>] of network inputs.</summary>
    /// <param name="images">Images [N, 3, H, W] normalized as <see cref="Preprocess"/> leaves them, H and W at least
    /// <see cref="Vgg16Features.MinPooledSize"/> (<see cref="InputSize"/> for the features of the metric); float32 or float64.</param>
    public Tensor forward(Tensor images) => Intermediates.Keep(() =>
    {
        var pooled = trunk.Pooled(images);
        var flat = nn.functional.adaptive_avg_pool2d(pooled, [PoolSize, PoolSize]).flatten(1);
        // In place, as torchvision's ReLU(inplace=True): a linear's backward needs its input and weight, not its output.
        var hidden = nn.functional.linear(flat, fc6.weight.to(flat.dtype), fc6.bias!.to(flat.dtype)).relu_();
        return nn.functional.linear(hidden, fc7.weight.to(flat.dtype), fc7.bias!.to(flat.dtype)).relu_();
    });

    /// <summary>
    /// The network's input steps, torchvision's ImageNet evaluation without its crop: uint8 to [0, 1], bilinear
    /// resize to 224x224 (<c>F.interpolate(x, size=(224, 224), mode='bilinear', align_corners=False)</c>, no
    /// antialiasing; also for images already that size, where it changes nothing), then <c>(x - mean) / std</c> with
    /// ImageNet's mean (0.485, 0.456, 0.406) and deviation (0.229, 0.224, 0.225). A gray image's one channel is
    /// repeated into three, as NVIDIA's metrics repeat gray images before their detector. The whole image is resized,
    /// not cropped, as NVIDIA's detector takes whole images.
    /// </summary>
    /// <param name="images">uint8 images [N, 3 or 1, H, W].</param>
    /// <returns>float32 [N, 3, 224, 224].</returns>
    public static Tensor Preprocess(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException($"VGG16 takes images [N, 3, H, W] or gray ones [N, 1, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (images.dtype != ScalarType.Byte)
            throw new ArgumentException($"VGG16's preprocessing takes uint8 images, as saved files hold them; got {images.dtype} (PixelRange.ToUint8 converts generated ones).", nameof(images));
        return Intermediates.Keep(() =>
        {
            var resized = nn.functional.interpolate(Images.PixelRange.UnitFromUint8(images), [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
            return Images.PixelRange.Standardize(Images.PixelRange.Rgb(resized), Mean, Deviation);
        });
    }
}
