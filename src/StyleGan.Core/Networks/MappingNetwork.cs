using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// Maps latents z (and labels c) to intermediate latents w through equalized-lr fully connected layers, tracks
/// the mean of w for the truncation trick, and broadcasts w to every synthesis layer.
/// </summary>
public sealed class MappingNetwork : nn.Module
{
    readonly FullyConnectedLayer? embed;
    readonly List<FullyConnectedLayer> layers = new();
    readonly Tensor? w_avg;
    readonly int zDim;
    readonly int cDim;
    readonly int? numWs;
    readonly double? wAvgBeta;
    readonly int? defaultCutoff;

    /// <param name="zDim">Input latent size (0: labels only, as in the discriminator).</param>
    /// <param name="cDim">Conditioning label size (0: unconditional).</param>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="numWs">Number of ws to broadcast to (null: return [N, w_dim]).</param>
    /// <param name="config">Layer count (0: w is the normalized z), widths, activation, learning-rate multiplier and w_avg decay.</param>
    public MappingNetwork(int zDim, int cDim, int wDim, int? numWs, MappingConfig config) : base(nameof(MappingNetwork))
    {
        this.zDim = zDim;
        this.cDim = cDim;
        this.numWs = numWs;
        wAvgBeta = config.WAvgBeta;
        defaultCutoff = config.TruncationCutoff;
        int embedFeatures = cDim == 0 ? 0 : config.EmbedFeatures ?? wDim;
        int layerFeatures = config.LayerFeatures ?? wDim;
        // No layers (the 2019 paper's configs A and B, which have no mapping network): w is the normalized z.
        if (config.NumLayers == 0 && zDim + embedFeatures != wDim)
            throw new ArgumentException($"Without mapping layers w is z itself: z_dim + embed_features ({zDim + embedFeatures}) must equal w_dim ({wDim}).", nameof(config));
        var features = new List<int> { zDim + embedFeatures };
        features.AddRange(Enumerable.Repeat(layerFeatures, Math.Max(config.NumLayers - 1, 0)));
        features.Add(wDim);

        if (cDim > 0) register_module("embed", embed = new FullyConnectedLayer(cDim, embedFeatures));
        for (int i = 0; i < config.NumLayers; i++)
        {
            var layer = new FullyConnectedLayer(features[i], features[i + 1], activation: config.Activation, lrMultiplier: config.LrMultiplier);
            layers.Add(layer);
            register_module($"fc{i}", layer);
        }
        if (numWs is not null && wAvgBeta is not null) register_buffer("w_avg", w_avg = zeros(wDim));
    }

    /// <summary>
    /// The cutoff a truncation applies: the one asked for, else the config's (<see cref="MappingConfig.TruncationCutoff"/>,
    /// as NVIDIA's layer_idx &lt; truncation_cutoff: one past the last ws means every ws), else every ws (null).
    /// </summary>
    /// <param name="requested">The cutoff a caller named, or null.</param>
    public int? Cutoff(int? requested) => requested ?? (defaultCutoff is int cutoff && numWs is int count ? Math.Min(cutoff, count) : defaultCutoff);

    /// <summary>The tracked mean of w (the centre the truncation trick pulls towards).</summary>
    public Tensor WAvg => w_avg ?? throw new InvalidOperationException("This mapping network does not track w_avg.");

    /// <param name="z">Latents [N, z_dim], or null when z_dim is 0.</param>
    /// <param name="c">Labels [N, c_dim], or null when c_dim is 0.</param>
    /// <param name="truncationPsi">1 = no truncation; below 1 pulls w towards w_avg.</param>
    /// <param name="truncationCutoff">Truncate only the first this-many ws (null: the config's cutoff, else all).</param>
    /// <param name="skipWAvgUpdate">Do not update w_avg even in training mode.</param>
    public Tensor forward(Tensor? z, Tensor? c, double truncationPsi = 1, int? truncationCutoff = null, bool skipWAvgUpdate = false)
    {
        Truncation.Check(truncationPsi, truncationCutoff, numWs);
        Tensor? x = null;
        var dtype = layers.Count > 0 ? layers[0].DType : Required(z, "z").dtype;
        if (zDim > 0) x = Normalization.NormalizeSecondMoment(Required(z, "z").to(dtype));
        if (cDim > 0)
        {
            var y = Normalization.NormalizeSecondMoment(embed!.forward(Required(c, "c").to(dtype)));
            x = x is null ? y : cat(new[] { x, y }, 1);
        }
        foreach (var layer in layers) x = layer.forward(x!);

        if (w_avg is not null && training && !skipWAvgUpdate)
        {
            using var _ = no_grad();
            var batchMean = x!.detach().mean(new long[] { 0 });
            w_avg.copy_(batchMean + (w_avg - batchMean) * wAvgBeta!.Value);
        }

        if (numWs is int count) x = x!.unsqueeze(1).repeat(1, count, 1);

        return truncationPsi == 1 ? x! : Truncation.Apply(x!, WAvg, truncationPsi, Cutoff(truncationCutoff));
    }

    static Tensor Required(Tensor? t, string name) =>
        t ?? throw new ArgumentNullException(name, $"The mapping network needs {name} for this configuration.");
}
