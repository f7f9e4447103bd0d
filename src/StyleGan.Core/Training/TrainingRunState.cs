using StyleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>Everything a checkpoint holds: the three networks, optimizers, loss state, random streams, options and counters.</summary>
public sealed class TrainingRunState : IDisposable
{
    public Generator G { get; }
    public Discriminator D { get; }
    public Generator GEma { get; }
    public StyleGan2Loss Loss { get; }
    public IReadOnlyList<TrainingPhase> Phases { get; }
    public TrainingOptions Options { get; }
    public string DatasetPath { get; }
    public TrainingCounters Counters { get; set; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Independent random streams, so that data order, latents and noise do not shift each other.</summary>
    public torch.Generator DataRandom { get; }
    public torch.Generator LatentRandom { get; }
    public torch.Generator LossRandom { get; }

    public IEnumerable<(string Name, torch.Generator Random)> RandomStreams =>
        new[] { ("data", DataRandom), ("latents", LatentRandom), ("loss", LossRandom) };

    public IEnumerable<(string Name, optim.Optimizer Optimizer)> Optimizers =>
        Phases.GroupBy(p => p.Optimizer).Select(g => (g.First().Module == G ? "G" : "D", g.Key));

    /// <param name="options">Hyper-parameters of the run.</param>
    /// <param name="resolution">Image resolution of the dataset.</param>
    /// <param name="channels">Image channels of the dataset.</param>
    /// <param name="labelDim">Label size (0: unconditional).</param>
    /// <param name="datasetPath">Where the data came from (recorded in checkpoints).</param>
    /// <param name="device">Where the networks live.</param>
    public TrainingRunState(TrainingOptions options, int resolution, int channels, int labelDim, string datasetPath, Device device)
    {
        Options = options;
        DatasetPath = datasetPath;
        var (gConfig, dConfig) = NetworkConfigs(options, resolution, channels, options.Conditional ? labelDim : 0);

        manual_seed(options.Seed); // initial weights
        G = new Generator(gConfig);
        D = new Discriminator(dConfig);
        GEma = new Generator(gConfig);
        G.to(device);
        D.to(device);
        GEma.to(device);
        using (no_grad()) GEma.load_state_dict(G.state_dict());
        TrainingPhase.SetRequiresGrad(GEma, false);
        GEma.eval();

        DataRandom = new torch.Generator((ulong)options.Seed * 3 + 1);
        LatentRandom = new torch.Generator((ulong)options.Seed * 3 + 2, device);
        LossRandom = new torch.Generator((ulong)options.Seed * 3 + 3, device);
        Loss = new StyleGan2Loss(G, D, LossRandom, options.StyleMixing, options.Gamma, plWeight: options.PlWeight);
        Phases = TrainingPhase.Schedule(G, D, options.LearningRate, 0, 0.99,
            options.PlWeight > 0 ? options.GRegInterval : null, options.Gamma > 0 ? options.DRegInterval : null);
    }

    /// <summary>The network configs a run's options describe, as train.py builds them.</summary>
    public static (GeneratorConfig G, DiscriminatorConfig D) NetworkConfigs(TrainingOptions o, int resolution, int channels, int labelDim) => (
        new GeneratorConfig
        {
            ZDim = o.ZDim, CDim = labelDim, WDim = o.ZDim, ImgResolution = resolution, ImgChannels = channels,
            MappingKwargs = new MappingConfig { NumLayers = o.MappingLayers },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = o.ChannelBase, ChannelMax = o.ChannelMax, ConvClamp = o.ConvClamp },
        },
        new DiscriminatorConfig
        {
            CDim = labelDim, ImgResolution = resolution, ImgChannels = channels, Architecture = o.DArchitecture,
            ChannelBase = o.ChannelBase, ChannelMax = o.ChannelMax, ConvClamp = o.ConvClamp,
            EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = o.MbstdGroup },
        });

    public void Dispose()
    {
        G.Dispose();
        D.Dispose();
        GEma.Dispose();
        foreach (var optimizer in Optimizers) optimizer.Optimizer.Dispose();
        foreach (var (_, random) in RandomStreams) random.Dispose();
    }
}
