namespace StyleGan.Metrics;

/// <summary>One named metric and its protocol, as NVIDIA's metric_main.py registers them.</summary>
/// <param name="Name">The name on the command line and in the results (fid50k_full).</param>
/// <param name="Kind">What it measures.</param>
/// <param name="Space">The feature network it compares in.</param>
/// <param name="GeneratedCount">Generated images (path length: sampled pairs).</param>
/// <param name="MaxReal">At most this many real images, the first in dataset order; null: all (or none, for IS and path length).</param>
/// <param name="Neighbourhood">The k of precision/recall.</param>
/// <param name="PathLength">The sampling of path length.</param>
/// <param name="Transform">The transform of an equivariance metric.</param>
public sealed record MetricDefinition(string Name, MetricKind Kind, FeatureSpace Space, int GeneratedCount, int? MaxReal = null,
    int Neighbourhood = 3, PathLengthProtocol? PathLength = null, EquivarianceTransform? Transform = null)
{
    /// <summary>Whether the metric compares with real images.</summary>
    public bool UsesReal => Kind is not (MetricKind.InceptionScore or MetricKind.PathLength or MetricKind.ClassCoverage or MetricKind.Equivariance);

    /// <summary>Whether the metric scores a stream of generated images in a feature space (not path length's pairs or equivariance's transforms).</summary>
    public bool ScoresFeatures => Kind is not (MetricKind.PathLength or MetricKind.Equivariance);

    /// <summary>Whether the metric needs every feature vector (not just their mean and covariance).</summary>
    public bool NeedsAllFeatures => Kind is MetricKind.Kid or MetricKind.PrecisionRecall or MetricKind.Cmmd;

    /// <summary>The names of the values it reports, as NVIDIA's results: fid50k_full; pr50k3_full_precision and _recall; is50k_mean and _std.</summary>
    public IReadOnlyList<string> ResultNames => Kind switch
    {
        MetricKind.PrecisionRecall => [$"{Name}_precision", $"{Name}_recall"],
        MetricKind.InceptionScore => [$"{Name}_mean", $"{Name}_std"],
        MetricKind.ClassCoverage => [Name, $"{Name}_min", $"{Name}_max"],
        _ => [Name],
    };

    /// <summary>The same metric with another number of generated images (a quick look at a long protocol); the name stays.</summary>
    /// <param name="count">Generated images.</param>
    public MetricDefinition WithGeneratedCount(int count) => this with { GeneratedCount = count };

    /// <summary>One line on what it computes, for tables and the README.</summary>
    public string Protocol
    {
        get
        {
            string real = MaxReal is int max ? $"the first {max:N0} real images" : "all real images";
            string generated = $"{GeneratedCount:N0} generated images";
            return Kind switch
            {
                MetricKind.Fid => $"FID, {generated} against {real}, {SpaceName}",
                MetricKind.Kid => $"KID (100 subsets of at most 1,000), {generated} against {real}, {SpaceName}",
                MetricKind.PrecisionRecall => $"precision and recall (k = {Neighbourhood}), {generated} against {real}, {SpaceName}",
                MetricKind.InceptionScore => $"IS (10 splits), {generated}, {SpaceName}",
                MetricKind.PathLength => $"PPL in {PathLength!.Space}, {(PathLength.Full ? "full paths" : "end points")}, epsilon {PathLength.Epsilon:G}, " +
                    $"{(PathLength.Crop ? "centre crop" : "no crop")}, {GeneratedCount:N0} pairs, LPIPS (VGG16)",
                MetricKind.Cmmd => $"CMMD (Gaussian kernel, sigma 10, scale 1000), {generated} against {real}, {SpaceName}",
                MetricKind.Equivariance => $"PSNR (dB) of the {Transform switch
                {
                    EquivarianceTransform.IntegerTranslation => "integer translations (up to 1/8 of the image)",
                    EquivarianceTransform.FractionalTranslation => "fractional translations (up to 1/8 of the image)",
                    _ => "rotations (up to 180 degrees)",
                }} of StyleGAN3's input against the transformed images, {generated} in batches of {Metrics.Equivariance.BatchSize}",
                MetricKind.ClassCoverage => $"classes holding at least {ClassCoverage.MinShare:P0} of {generated} (and the smallest and largest share), {SpaceName}",
                _ => throw new InvalidOperationException($"No protocol text for {Kind}."),
            };
        }
    }

    string SpaceName => Space switch
    {
        FeatureSpace.Inception => "Inception-v3 pool3 (logits without bias for IS)",
        FeatureSpace.MnistClassifier => "the bundled MNIST classifier",
        FeatureSpace.Vgg16 => "VGG16 fc7 (torchvision)",
        FeatureSpace.Clip => "CLIP ViT-L/14-336 image embeddings",
        _ => Space.ToString(),
    };
}
