using StyleGan.Formats;
using StyleGan.Metrics.Inception;
using StyleGan.Ops;
using StyleGan.Runtime;
using StyleGan.Formats.Pickle;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// The Inception-v3 of FID as pytorch-fid (mseitzer/pytorch-fid) computes it: <c>fid_inception_v3()</c>, torchvision's
/// Inception-v3 with 1008 classes, no auxiliary classifier and pytorch-fid's FIDInceptionA/C/E_1/E_2 blocks (the
/// pooling of the TensorFlow graph of 2015 its weights come from), run as pytorch-fid's
/// <c>InceptionV3(resize_input=True, normalize_input=True)</c> runs it: images in [0, 1] are resized to 299x299
/// (bilinear, <c>align_corners=False</c>, no antialiasing) and brought to [-1, 1]. Returns the 2048 pool3 features FID
/// compares and the 1008 logits of the network's classifier. Module names are torchvision's state-dict names
/// (<c>Conv2d_1a_3x3.conv.weight</c>, <c>Mixed_5b.branch1x1.bn.running_mean</c>, ..., <c>fc.weight</c>); the weights
/// are frozen and the batch norms always use their running statistics.
/// </summary>
public sealed class InceptionV3 : nn.Module, IFeatureNetwork
{
    /// <summary>pytorch-fid's weights, ported from TensorFlow's inception-2015-12-05 graph (the file FID_WEIGHTS_URL names).</summary>
    public static PublishedFile Published { get; } = new("pt_inception-2015-12-05-6726825d.pth",
        "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth", Sha256Prefix: "6726825d");

    /// <summary>The setting that names the weights file (see InvalidValueException.Name).</summary>
    public const string WeightsSetting = "InceptionFile";

    /// <summary>The height and width every image is resized to.</summary>
    public const int InputSize = 299;

    /// <summary>The classes of the network's classifier: ImageNet's 1000 and 8 unused ones of the TensorFlow graph.</summary>
    public const long ClassCount = 1008;

    // State-dict names: TorchSharp also registers a module's module fields under their field names.
    readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    readonly InceptionBlock[] blocks;
    readonly Linear fc;

    /// <param name="width">Each convolution's output channels; null: the published widths (2048 features).</param>
    public InceptionV3(InceptionWidth? width = null) : base(nameof(InceptionV3))
    {
        width ??= (_, published) => published;
        ConvolutionCheck.Ensure();
        BasicConv2d Stem(string name, long inChannels, long published, (long, long) kernel, long stride = 1, (long, long) padding = default)
        {
            var convolution = new BasicConv2d(inChannels, width(name, published), kernel, stride, padding);
            register_module(name, convolution);
            return convolution;
        }
        Conv2d_1a_3x3 = Stem("Conv2d_1a_3x3", 3, 32, (3, 3), stride: 2);
        Conv2d_2a_3x3 = Stem("Conv2d_2a_3x3", Conv2d_1a_3x3.OutChannels, 32, (3, 3));
        Conv2d_2b_3x3 = Stem("Conv2d_2b_3x3", Conv2d_2a_3x3.OutChannels, 64, (3, 3), padding: (1, 1));
        Conv2d_3b_1x1 = Stem("Conv2d_3b_1x1", Conv2d_2b_3x3.OutChannels, 80, (1, 1));
        Conv2d_4a_3x3 = Stem("Conv2d_4a_3x3", Conv2d_3b_1x1.OutChannels, 192, (3, 3));

        var list = new List<InceptionBlock>();
        T Block<T>(T block) where T : InceptionBlock
        {
            register_module(block.GetName(), block);
            list.Add(block);
            return block;
        }
        var mixed5b = Block(new FidInceptionA("Mixed_5b", Conv2d_4a_3x3.OutChannels, 32, width));
        var mixed5c = Block(new FidInceptionA("Mixed_5c", mixed5b.OutChannels, 64, width));
        var mixed5d = Block(new FidInceptionA("Mixed_5d", mixed5c.OutChannels, 64, width));
        var mixed6a = Block(new InceptionB("Mixed_6a", mixed5d.OutChannels, width));
        var mixed6b = Block(new FidInceptionC("Mixed_6b", mixed6a.OutChannels, 128, width));
        var mixed6c = Block(new FidInceptionC("Mixed_6c", mixed6b.OutChannels, 160, width));
        var mixed6d = Block(new FidInceptionC("Mixed_6d", mixed6c.OutChannels, 160, width));
        var mixed6e = Block(new FidInceptionC("Mixed_6e", mixed6d.OutChannels, 192, width));
        var mixed7a = Block(new InceptionD("Mixed_7a", mixed6e.OutChannels, width));
        var mixed7b = Block(new FidInceptionE("Mixed_7b", mixed7a.OutChannels, maxPool: false, width));
        var mixed7c = Block(new FidInceptionE("Mixed_7c", mixed7b.OutChannels, maxPool: true, width));
        blocks = [.. list];
        FeatureCount = mixed7c.OutChannels;
        register_module("fc", fc = nn.Linear(FeatureCount, ClassCount));
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    /// <summary>The size of the pool3 features: 2048 at the published widths.</summary>
    public long FeatureCount { get; }

    /// <summary>
    /// Reads pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c> (<c>torch.save</c> of the network's state dict),
    /// or a file of its keys with other widths, which are read from the file's shapes; the batch norms' counters
    /// (<c>*.num_batches_tracked</c>) may be there or not. Nothing in the file is executed. A file of another layout
    /// (torchvision's ImageNet Inception, with its <c>AuxLogits.*</c> and 1000 classes, or any other network) is
    /// refused naming the file and the entry; a published file that cannot be found is refused with
    /// <see cref="InvalidValueException"/> (<see cref="WeightsSetting"/>), saying where to get it and where to put it.
    /// </summary>
    /// <param name="path">The file; null: <see cref="Published"/>'s name in the cache folder, checked against its digest.</param>
    /// <param name="device">Where to compute; null: the CPU.</param>
    public static InceptionV3 Load(string? path = null, Device? device = null)
    {
        var file = Published.Locate(path, WeightsSetting, "pytorch-fid's Inception weights (for FID)");
        var network = TorchFile.Load(file, value => FromStateDict(TorchModules.TensorDict(value, file), file));
        network.WeightsDigest = Files.FileDigest.Sha256(file, Published.Name);
        if (device is not null) network.to(device);
        return network;
    }

    static InceptionV3 FromStateDict(Dictionary<string, Tensor> tensors, string path)
    {
        // The names do not depend on the widths, so a network of width 1 has them all, and a file of another layout is
        // refused before anything of its size is allocated.
        List<string> names;
        using (var layout = new InceptionV3((_, _) => 1)) names = [.. layout.state_dict().Keys];
        var known = names.ToHashSet();
        var missing = names.Where(name => !tensors.ContainsKey(name) && !IsCounter(name)).ToList();
        var unexpected = tensors.Keys.Where(key => !known.Contains(key)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{path} is not pytorch-fid's Inception state dict (Conv2d_1a_3x3.conv.weight, ..., Mixed_7c.branch_pool.bn.running_var, " +
                $"fc.weight, fc.bias): missing [{Some(missing)}], unexpected [{Some(unexpected)}]." +
                (unexpected.Any(key => key.StartsWith("AuxLogits.", StringComparison.Ordinal))
                    ? $" torchvision's ImageNet Inception (AuxLogits.*) is another network; FID needs pytorch-fid's {Published.Name}." : ""));
        var network = new InceptionV3((name, _) =>
        {
            var key = $"{name}.conv.weight";
            var weight = tensors[key];
            if (weight.dim() != 4 || weight.shape[0] < 1)
                throw new InvalidDataException($"{path}: '{key}' has shape [{string.Join(", ", weight.shape)}], not the [out, in, height, width] of a convolution.");
            return weight.shape[0];
        });
        try
        {
            StateDict.Load(network, tensors, strict: false, origin: path);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        network.eval();
        return network;
    }

    static string Some(List<string> keys) =>
        string.Join(", ", keys.Take(5).Select(key => $"'{key}'")) + (keys.Count > 5 ? $", ... ({keys.Count} in all)" : "");

    // The batch norms' training counters: PyTorch fills them in when a file lacks them, and eval mode never reads them.
    static bool IsCounter(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    public string Name => "Inception-v3 (pytorch-fid)";

    public string? WeightsDigest { get; private set; }

    /// <summary>
    /// The pool3 features and the classifier's logits without its bias, the logits the Inception score has always been
    /// computed from (the original TensorFlow code's <c>pool3 · W</c>, NVIDIA's <c>no_output_bias=True</c>); <see cref="forward"/>
    /// returns pytorch-fid's, with the bias.
    /// </summary>
    public (Tensor Features, Tensor? Logits) Extract(Tensor images) => Intermediates.Keep(() =>
    {
        var features = forward(Images.PixelRange.UnitFromUint8(images)).Features;
        return (features, (Tensor?)nn.functional.linear(features, fc.weight.to(features.dtype)));
    });

    /// <summary>The pool3 features [N, <see cref="FeatureCount"/>] and the logits [N, 1008] of images.</summary>
    /// <param name="images">Images [N, 3, H, W] in [0, 1] of any size, or [N, 1, H, W] gray ones (see
    /// <see cref="Preprocess"/>); float32 or float64. <see cref="Images.PixelRange.UnitFromUint8"/> and
    /// <see cref="Images.PixelRange.UnitFromSigned"/> bring uint8 and generated images there.</param>
    public (Tensor Features, Tensor Logits) forward(Tensor images)
    {
        var (features, logits) = Intermediates.Keep(() =>
        {
            var x = Preprocess(images);
            x = Intermediates.Keep(() => nn.functional.max_pool2d(Conv2d_2b_3x3.forward(Conv2d_2a_3x3.forward(Conv2d_1a_3x3.forward(x))), 3, stride: 2)); // maxpool1
            x = Intermediates.Keep(() => nn.functional.max_pool2d(Conv2d_4a_3x3.forward(Conv2d_3b_1x1.forward(x)), 3, stride: 2));                 // maxpool2
            foreach (var block in blocks) x = block.forward(x);
            var pool3 = nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
            return (pool3, nn.functional.linear(pool3, fc.weight.to(pool3.dtype), fc.bias!.to(pool3.dtype)));
        });
        return (features, logits!);
    }

    /// <summary>
    /// pytorch-fid's input steps (<c>resize_input=True, normalize_input=True</c>): bilinear resize to 299x299
    /// (<c>F.interpolate(x, size=(299, 299), mode='bilinear', align_corners=False)</c>, also for images already that
    /// size, where it changes nothing), then <c>2 * x - 1</c>. A gray image's one channel is repeated into three: this
    /// is our choice at the tensor level, where pytorch-fid takes three channels only; it is what pytorch-fid does with
    /// gray image files, which it reads through PIL's <c>convert('RGB')</c>.
    /// </summary>
    /// <param name="images">Images [N, 3 or 1, H, W] in [0, 1]; float32 or float64.</param>
    /// <returns>[N, 3, 299, 299] in [-1, 1].</returns>
    public static Tensor Preprocess(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException($"The Inception takes images [N, 3, H, W] or gray ones [N, 1, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"The Inception takes images in [0, 1] as float32 or float64; got {images.dtype} (PixelRange.UnitFromUint8 converts uint8 images).", nameof(images));
        return Intermediates.Keep(() =>
        {
            var resized = nn.functional.interpolate(images, [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
            return Images.PixelRange.Rgb(2 * resized - 1);
        });
    }
}
