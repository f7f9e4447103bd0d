using StyleGan.Data;
using StyleGan.Formats;
using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// The features of datasets, kept between runs: extracting features of 50,000 real images takes longer than anything
/// else a metric does, and they change only with the images or the feature network. A file is named by the SHA-256
/// of both (the network's weights digest and the dataset's <see cref="ImageDataset.ContentDigest"/>), the number of
/// images read, and what is kept (statistics for FID, or every feature for KID, precision/recall and CMMD), so a
/// changed image, a removed one or other weights find no file and are extracted afresh.
/// </summary>
public static class StatisticsCache
{
    const string FeaturesKind = "stylegan-dataset-features";

    /// <summary>Where the files are kept (null: nowhere, every run extracts).</summary>
    public static string? Folder { get; set; } = System.IO.Path.Combine(CacheFolder.Path, "statistics");

    /// <summary>The statistics of the first <paramref name="count"/> images of a dataset, from the cache or extracted (and then cached).</summary>
    /// <param name="network">The feature network; one built in memory (no weights digest) is never cached.</param>
    /// <param name="data">The real images.</param>
    /// <param name="count">How many of them, from the first.</param>
    /// <param name="extract">Computes the statistics when the cache has none.</param>
    /// <returns>The statistics, and whether they came from the cache.</returns>
    public static (FeatureStatistics Statistics, bool Cached) GetOrExtract(IFeatureNetwork network, ImageDataset data, int count, Func<FeatureStatistics> extract) =>
        GetOrExtract(network, data, count, "statistics", FeatureStatistics.Load, extract, (statistics, file) => statistics.Save(file));

    /// <summary>Every feature [count, D] of the first <paramref name="count"/> images of a dataset, from the cache or extracted (and then cached).</summary>
    /// <param name="network">The feature network; one built in memory (no weights digest) is never cached.</param>
    /// <param name="data">The real images.</param>
    /// <param name="count">How many of them, from the first.</param>
    /// <param name="extract">Computes the features when the cache has none.</param>
    /// <returns>The features, and whether they came from the cache.</returns>
    public static (Tensor Features, bool Cached) GetOrExtractFeatures(IFeatureNetwork network, ImageDataset data, int count, Func<Tensor> extract) =>
        GetOrExtract(network, data, count, "features", LoadFeatures, extract,
            (features, file) => Safetensors.Save(file, [new("features", features)], new Dictionary<string, string> { ["kind"] = FeaturesKind }));

    static (T Value, bool Cached) GetOrExtract<T>(IFeatureNetwork network, ImageDataset data, int count, string what,
        Func<string, T> load, Func<T> extract, Action<T, string> save)
    {
        if (Folder is null || network.WeightsDigest is null) return (extract(), false);
        string file = System.IO.Path.Combine(Folder, Key($"{network.WeightsDigest} {data.ContentDigest()} {count} {what}") + ".safetensors");
        if (File.Exists(file))
        {
            try
            {
                return (load(file), true);
            }
            catch (InvalidDataException)
            {
                // A damaged cache file holds nothing that cannot be extracted again; it is replaced below.
            }
        }
        var value = extract();
        try
        {
            save(value, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the extraction next time, nothing else.
        }
        return (value, false);
    }

    static Tensor LoadFeatures(string path)
    {
        using var file = Safetensors.Load(path);
        if (file.Metadata.GetValueOrDefault("kind") != FeaturesKind || !file.Tensors.TryGetValue("features", out var features) || features.dim() != 2)
            throw new InvalidDataException($"{path} is not a dataset features file (kind {FeaturesKind} with features [N, D]).");
        return features.clone();
    }

    static string Key(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
