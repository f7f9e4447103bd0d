using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// A network that turns images into the features and class logits metrics compare: pytorch-fid's Inception-v3 for
/// the published FID and IS, or the bundled MNIST classifier as the cheap default. A metric does not care which.
/// </summary>
public interface IFeatureNetwork
{
    /// <summary>What the features are, for tables and logs ("Inception-v3 (pytorch-fid)").</summary>
    string Name { get; }

    /// <summary>The SHA-256 of the weights file the network was read from, or null for one built in memory (whose statistics are never cached).</summary>
    string? WeightsDigest { get; }

    /// <summary>Size of a feature vector.</summary>
    long FeatureCount { get; }

    /// <summary>Features [N, FeatureCount] and, for a classifier, logits [N, classes] of images as saved files hold them.</summary>
    /// <param name="images">uint8 images [N, 1 or 3, H, W].</param>
    /// <returns>The logits are null for a network without classes (VGG16's or CLIP's embeddings), which scores no IS.</returns>
    (Tensor Features, Tensor? Logits) Extract(Tensor images);
}
