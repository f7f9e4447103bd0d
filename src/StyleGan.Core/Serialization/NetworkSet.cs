using StyleGan.Augment;
using StyleGan.Networks;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>The networks one file holds, whatever its format: any of G, D and G_ema, and what the import noted.</summary>
public sealed class NetworkSet : IDisposable
{
    /// <summary>The trained generator.</summary>
    public Generator? G { get; init; }

    /// <summary>The discriminator.</summary>
    public Discriminator? D { get; init; }

    /// <summary>The moving average of G, the one to sample from.</summary>
    public Generator? GEma { get; init; }

    /// <summary>The augmentation pipeline D was trained with (an NVIDIA pickle's augment_pipe, with its p), or null.</summary>
    public AugmentPipe? Augment { get; init; }

    /// <summary>What the file was, in words.</summary>
    public required string Format { get; init; }

    /// <summary>What was left out or derived while loading.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The file's metadata entries beside the network configs (a training checkpoint's options and counters).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The file's tensors beside the networks' (a training checkpoint's optimizer, loss and random states).</summary>
    public IReadOnlyDictionary<string, Tensor> State { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>The generator to sample from: G_ema, or G when the file has no G_ema.</summary>
    public Generator Sampler => GEma ?? G ?? throw new InvalidDataException($"The {Format} holds no generator.");

    /// <summary>Which generator <see cref="Sampler"/> is, and why.</summary>
    public string SamplerDescription => GEma is not null ? "G_ema (the moving average of G, as NVIDIA's tools sample)"
        : G is not null ? "G: the file holds no G_ema, the moving average that NVIDIA's tools sample from, so images may be noisier"
        : "none: the file holds no generator";

    public void Dispose()
    {
        G?.Dispose();
        D?.Dispose();
        GEma?.Dispose();
        Augment?.Dispose();
        foreach (var tensor in State.Values) tensor.Dispose();
    }
}
