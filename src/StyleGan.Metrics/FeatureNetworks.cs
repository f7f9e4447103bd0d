using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// The networks a list of metrics compares in, each read once from its file and shared by the metrics of its space.
/// All are read when the object is made, so a missing or wrong file is refused before minutes of generating.
/// </summary>
public sealed class FeatureNetworks : IDisposable
{
    readonly Dictionary<FeatureSpace, nn.Module> loaded = new();

    /// <param name="metrics">The metrics to be computed; only their spaces are read.</param>
    /// <param name="files">Where the weights are.</param>
    /// <param name="device">Where the networks run (null: the CPU).</param>
    public FeatureNetworks(IEnumerable<MetricDefinition> metrics, MetricWeightFiles files, Device? device = null)
    {
        try
        {
            foreach (var space in metrics.Select(m => m.Space).Where(space => space != FeatureSpace.Pixels).Distinct())
                loaded[space] = space switch
                {
                    FeatureSpace.Inception => InceptionV3.Load(files.Inception, device),
                    FeatureSpace.MnistClassifier => Moved(MnistClassifier.Load(files.Classifier
                        ?? throw new InvalidValueException("ClassifierFile", "the *_mnist metrics need the MNIST classifier's file; name it.")), device),
                    FeatureSpace.Vgg16 => Vgg16Embedding.Load(files.Vgg16, device),
                    FeatureSpace.Clip => ClipVisionEncoder.Load(files.Clip, device),
                    FeatureSpace.Lpips => Lpips.Load(files.LpipsLinear
                        ?? throw new InvalidValueException("LpipsFile", "path length needs lpips' learned weights (vgg.pth of lpips v0.1); name the file."), files.Vgg16, device),
                    _ => throw new InvalidOperationException($"No network for {space}."),
                };
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    static nn.Module Moved(nn.Module module, Device? device) => device is null ? module : module.to(device);

    /// <summary>The feature network of a space other than <see cref="FeatureSpace.Lpips"/>.</summary>
    /// <param name="space">A space of the metrics given to the constructor.</param>
    public IFeatureNetwork Features(FeatureSpace space) => (IFeatureNetwork)Get(space);

    /// <summary>The LPIPS network, when a path-length metric was given.</summary>
    public Lpips Lpips => (Lpips)Get(FeatureSpace.Lpips);

    nn.Module Get(FeatureSpace space) => loaded.TryGetValue(space, out var module) ? module
        : throw new InvalidOperationException($"No {space} network was read: none of the metrics given to the constructor needs it.");

    public void Dispose()
    {
        foreach (var module in loaded.Values) module.Dispose();
        loaded.Clear();
    }
}
