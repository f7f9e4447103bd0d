using StyleGan.Networks;
using StyleGan.Training;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>The networks one file holds, whatever its format: any of G, D and G_ema, and what the import noted.</summary>
public sealed class NetworkSet : IDisposable
{
    public Generator? G { get; init; }                            // the trained generator
    public Discriminator? D { get; init; }                        // the discriminator
    public Generator? GEma { get; init; }                         // the moving average of G, the one to sample from
    public required string Format { get; init; }                  // what the file was, in words
    public IReadOnlyList<string> Notes { get; init; } = [];       // what was left out or derived while loading
    public TrainingCounters? Counters { get; init; }              // how far a training checkpoint had come (null: not one)

    /// <summary>The generator to sample from: G_ema, or G when the file has no G_ema.</summary>
    public Generator Sampler => GEma ?? G ?? throw new InvalidDataException($"The {Format} holds no generator.");

    public void Dispose()
    {
        G?.Dispose();
        D?.Dispose();
        GEma?.Dispose();
    }
}
