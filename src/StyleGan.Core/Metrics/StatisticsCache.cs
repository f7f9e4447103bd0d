using StyleGan.Data;
using StyleGan.Runtime;

namespace StyleGan.Metrics;

/// <summary>
/// The feature statistics of datasets, kept between runs: extracting features of 50,000 real images takes longer
/// than anything else a metric does, and they change only with the images or the feature network. A file is named
/// by the SHA-256 of both (the network's weights digest and the dataset's <see cref="ImageDataset.ContentDigest"/>),
/// so a changed image, a removed one or other weights find no file and are extracted afresh.
/// </summary>
public static class StatisticsCache
{
    /// <summary>Where the statistics are kept (null: nowhere, every run extracts).</summary>
    public static string? Folder { get; set; } = Path.Combine(CacheFolder.Path, "statistics");

    /// <summary>The dataset's statistics from the cache, or extracted (and then cached) when there are none.</summary>
    /// <param name="network">The feature network; one built in memory (no weights digest) is never cached.</param>
    /// <param name="data">The real images.</param>
    /// <param name="extract">Computes the statistics when the cache has none.</param>
    /// <returns>The statistics, and whether they came from the cache.</returns>
    public static (FeatureStatistics Statistics, bool Cached) GetOrExtract(IFeatureNetwork network, ImageDataset data, Func<FeatureStatistics> extract)
    {
        if (Folder is null || network.WeightsDigest is null) return (extract(), false);
        string file = Path.Combine(Folder, Key(network.WeightsDigest, data.ContentDigest()) + ".safetensors");
        if (File.Exists(file))
        {
            try
            {
                return (FeatureStatistics.Load(file), true);
            }
            catch (InvalidDataException)
            {
                // A damaged cache file holds nothing that cannot be extracted again; it is replaced below.
            }
        }
        var statistics = extract();
        try
        {
            statistics.Save(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the extraction next time, nothing else.
        }
        return (statistics, false);
    }

    static string Key(string weightsDigest, string dataDigest) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{weightsDigest} {dataDigest}")));
}
