using StyleGan.Formats;
using StyleGan.Images;
using StyleGan.Files;
using StyleGan.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// A small CNN for 32x32 digits, trained by the project: its penultimate activations are the feature space of
/// FID-MNIST and its class probabilities feed the Inception-style score. Takes images in [-1, 1] (the generator's
/// range); RGB is averaged to gray and other sizes are resized to 32x32, so that it can score any generator output.
/// </summary>
public sealed class MnistClassifier : nn.Module, IFeatureNetwork
{
    public const int Resolution = 32;
    public const int FeatureDim = 128;
    public const int ClassCount = 10;

    /// <summary>The "kind" metadata of a saved classifier: a file of another kind (a generator, say) is refused on load.</summary>
    public const string Kind = "stylegan.mnist-classifier.v1";

    readonly Conv2d conv0;
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Linear fc;
    readonly Linear @out;

    /// <param name="initGenerator">Random stream of the initial weights (null: the global one).</param>
    public MnistClassifier(Generator? initGenerator = null) : base(nameof(MnistClassifier))
    {
        ConvolutionCheck.Ensure();
        // 32 -> 16 -> 8 -> 4: pooling before the wider convolutions keeps a training epoch cheap on CPU.
        register_module("conv0", conv0 = nn.Conv2d(1, 32, 3, padding: 1));
        register_module("conv1", conv1 = nn.Conv2d(32, 64, 3, padding: 1));
        register_module("conv2", conv2 = nn.Conv2d(64, 128, 3, padding: 1));
        register_module("fc", fc = nn.Linear(128 * 4 * 4, FeatureDim));
        register_module("out", @out = nn.Linear(FeatureDim, ClassCount));

        using var scope = NewDisposeScope();
        Initialize(conv0.weight!, conv0.bias, initGenerator);
        Initialize(conv1.weight!, conv1.bias, initGenerator);
        Initialize(conv2.weight!, conv2.bias, initGenerator);
        Initialize(fc.weight!, fc.bias, initGenerator);
        Initialize(@out.weight!, @out.bias, initGenerator);
    }

    /// <summary>PyTorch's default initialization, redrawn from our generator so that training is reproducible from a seed.</summary>
    static void Initialize(Tensor weight, Tensor? bias, Generator? generator)
    {
        using var _ = no_grad();
        double bound = 1 / Math.Sqrt(weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
        weight.copy_((rand(weight.shape, generator: generator) * 2 - 1) * bound);
        bias?.copy_((rand(bias.shape, generator: generator) * 2 - 1) * bound);
    }

    /// <param name="images">Images [N, 1 or 3, H, W] in [-1, 1].</param>
    /// <returns>Features [N, FeatureDim] (after the ReLU, the input of the last layer) and logits [N, ClassCount].</returns>
    public (Tensor Features, Tensor Logits) forward(Tensor images)
    {
        var x = Prepare(images);
        x = nn.functional.max_pool2d(nn.functional.relu(conv0.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        var features = nn.functional.relu(fc.forward(x.flatten(1)));
        return (features, @out.forward(features));
    }

    public string Name => "MNIST classifier (bundled)";

    public long FeatureCount => FeatureDim;

    public string? WeightsDigest { get; private set; }

    public (Tensor Features, Tensor? Logits) Extract(Tensor images)
    {
        eval();
        return forward(PixelRange.FromUint8(images));
    }

    /// <summary>The FID-MNIST feature space: [N, FeatureDim].</summary>
    public Tensor Features(Tensor images) => forward(images).Features;

    /// <summary>Class logits [N, ClassCount].</summary>
    public Tensor Logits(Tensor images) => forward(images).Logits;

    public void Save(string path) => Safetensors.Save(path, state_dict(), new Dictionary<string, string> { ["kind"] = Kind });

    public static MnistClassifier Load(string path)
    {
        InputFile.Require(path, "Classifier");
        using var file = Safetensors.Load(path);
        var kind = file.Metadata.GetValueOrDefault("kind");
        if (kind != Kind)
            throw new InvalidDataException($"{path}: not an MNIST classifier (its kind is '{kind ?? "unset"}', expected '{Kind}'); " +
                "give the classifier file trained for the metrics.");
        var classifier = new MnistClassifier();
        StateDict.Load(classifier, file.Tensors);
        classifier.eval();
        classifier.WeightsDigest = FileDigest.Sha256(path, "Classifier");
        return classifier;
    }

    Tensor Prepare(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        var weight = conv0.weight!;
        var x = images.to(weight.dtype, weight.device);
        if (x.shape[1] == 3) x = x.mean(new long[] { 1 }, keepdim: true);
        if (x.shape[2] != Resolution || x.shape[3] != Resolution)
            x = nn.functional.interpolate(x, new long[] { Resolution, Resolution }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return x;
    }
}
