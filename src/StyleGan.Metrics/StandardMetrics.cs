namespace StyleGan.Metrics;

/// <summary>
/// The metrics by name: NVIDIA's (metric_main.py, the same protocols under the same names; StyleGAN3's equivariance
/// metrics among them), CMMD, quick 10k looks,
/// and the bundled MNIST classifier's, which need no downloaded weights.
/// </summary>
public static class StandardMetrics
{
    static readonly PathLengthProtocol WEndNoCrop = new(LatentSpace.W, Full: false, Crop: false);

    /// <summary>Every metric, in the order tables list them.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("fid50k_full", MetricKind.Fid, FeatureSpace.Inception, 50000),
        new("kid50k_full", MetricKind.Kid, FeatureSpace.Inception, 50000, MaxReal: 1000000),
        new("pr50k3_full", MetricKind.PrecisionRecall, FeatureSpace.Vgg16, 50000, MaxReal: 200000),
        new("ppl2_wend", MetricKind.PathLength, FeatureSpace.Lpips, 50000, PathLength: WEndNoCrop),
        new("is50k", MetricKind.InceptionScore, FeatureSpace.Inception, 50000),
        new("cmmd", MetricKind.Cmmd, FeatureSpace.Clip, 30000, MaxReal: 30000),
        new("eqt50k_int", MetricKind.Equivariance, FeatureSpace.Pixels, 50000, Transform: EquivarianceTransform.IntegerTranslation),
        new("eqt50k_frac", MetricKind.Equivariance, FeatureSpace.Pixels, 50000, Transform: EquivarianceTransform.FractionalTranslation),
        new("eqr50k", MetricKind.Equivariance, FeatureSpace.Pixels, 50000, Transform: EquivarianceTransform.Rotation),
        new("fid10k", MetricKind.Fid, FeatureSpace.Inception, 10000, MaxReal: 10000),
        new("fid10k_full", MetricKind.Fid, FeatureSpace.Inception, 10000),
        // NVIDIA's legacy ones: the real set cut to the generated count, and the 2019 paper's path lengths (cropped).
        new("fid50k", MetricKind.Fid, FeatureSpace.Inception, 50000, MaxReal: 50000),
        new("kid50k", MetricKind.Kid, FeatureSpace.Inception, 50000, MaxReal: 50000),
        new("pr50k3", MetricKind.PrecisionRecall, FeatureSpace.Vgg16, 50000, MaxReal: 50000),
        new("ppl_zfull", MetricKind.PathLength, FeatureSpace.Lpips, 50000, PathLength: new(LatentSpace.Z, Full: true, Crop: true)),
        new("ppl_wfull", MetricKind.PathLength, FeatureSpace.Lpips, 50000, PathLength: new(LatentSpace.W, Full: true, Crop: true)),
        new("ppl_zend", MetricKind.PathLength, FeatureSpace.Lpips, 50000, PathLength: new(LatentSpace.Z, Full: false, Crop: true)),
        new("ppl_wend", MetricKind.PathLength, FeatureSpace.Lpips, 50000, PathLength: new(LatentSpace.W, Full: false, Crop: true)),
        // In the bundled classifier's space: 10,000 generated digits against all real ones (the bundled MNIST has 10,000).
        new("fid10k_mnist", MetricKind.Fid, FeatureSpace.MnistClassifier, 10000),
        new("kid10k_mnist", MetricKind.Kid, FeatureSpace.MnistClassifier, 10000),
        new("pr10k3_mnist", MetricKind.PrecisionRecall, FeatureSpace.MnistClassifier, 10000),
        new("is10k_mnist", MetricKind.InceptionScore, FeatureSpace.MnistClassifier, 10000),
        new("classes1k_mnist", MetricKind.ClassCoverage, FeatureSpace.MnistClassifier, 1000),
    ];

    /// <summary>The setting that lists metrics (see InvalidValueException.Name); the CLI's <c>--metrics</c>.</summary>
    public const string Setting = "Metrics";

    /// <summary>The metrics of a comma-separated list, each once, in the list's order; an unknown name is refused listing the known ones.</summary>
    /// <param name="list">Names, e.g. "fid50k_full,kid50k_full".</param>
    public static IReadOnlyList<MetricDefinition> Parse(string list)
    {
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new InvalidValueException(Setting, $"no metric named in '{list}'; known: {string.Join(", ", All.Select(m => m.Name))}.");
        var chosen = new List<MetricDefinition>();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
            chosen.Add(All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidValueException(Setting, $"there is no metric '{name}'; known: {string.Join(", ", All.Select(m => m.Name))}."));
        return chosen;
    }
}
