using System.Text.Json.Nodes;
using StyleGan.Augment;
using StyleGan.Configs;
using StyleGan.Data;
using StyleGan.Distributed;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Training;

/// <summary>
/// Everything a checkpoint holds: the three networks, optimizers, loss state, the augmentation pipeline's p and ADA's
/// collected signs, random streams, options and counters.
/// </summary>
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

    /// <summary>The processes that train this run together (each holds a copy of this state); rank 0 writes its files.</summary>
    public ICollective Ranks { get; }

    /// <summary>This rank's rows of each minibatch.</summary>
    public BatchShare Share { get; }

    /// <summary>The augmentation of D's inputs, or null when the run has none.</summary>
    public AugmentPipe? Augment { get; }

    /// <summary>ADA's controller of the pipeline's p, or null unless the run is adaptive.</summary>
    public AdaptiveAugment? Ada { get; }

    /// <summary>Independent random streams, so that data order, latents and noise do not shift each other.</summary>
    public torch.Generator DataRandom { get; }
    public torch.Generator LatentRandom { get; }
    public torch.Generator LossRandom { get; }
    public torch.Generator AugmentRandom { get; }

    /// <summary>The streams a checkpoint saves (the augmentation's only where the run augments).</summary>
    public IEnumerable<(string Name, torch.Generator Random)> RandomStreams =>
        new[] { ("data", DataRandom), ("latents", LatentRandom), ("loss", LossRandom) }.Concat(Augment is null ? [] : [("augment", AugmentRandom)]);

    public IEnumerable<(string Name, optim.Optimizer Optimizer)> Optimizers =>
        Phases.GroupBy(p => p.Optimizer).Select(g => (g.First().Module == G ? "G" : "D", g.Key));

    /// <summary>A new run: networks initialised from the options' seed.</summary>
    /// <param name="options">Hyper-parameters of the run (validated here).</param>
    /// <param name="resolution">Image resolution of the dataset.</param>
    /// <param name="channels">Image channels of the dataset.</param>
    /// <param name="labelDim">Label size (0: unconditional).</param>
    /// <param name="datasetPath">Where the data came from (recorded in checkpoints).</param>
    /// <param name="device">Where the networks live.</param>
    /// <param name="ranks">The processes that train the run together (each builds this state; rank 0's weights are broadcast); null: this one alone.</param>
    /// <param name="dtype">The networks' precision: float32 as NVIDIA trains, or float64 for checks that compare runs to 1e-9.</param>
    public TrainingRunState(TrainingOptions options, int resolution, int channels, int labelDim, string datasetPath, Device device, ICollective? ranks = null,
        ScalarType dtype = ScalarType.Float32)
        : this(options.Validate(), NewNetworks(options, resolution, channels, labelDim, dtype), datasetPath, device, ranks)
    {
        if (options.Growth is GrowthSchedule growth) SetLod(growth.Lod(0, resolution));
        using (no_grad()) GEma.load_state_dict(G.state_dict());
        DataParallel.Broadcast(Ranks, G, D, GEma);
    }

    TrainingRunState(TrainingOptions options, (Generator G, Discriminator D, Generator GEma) networks, string datasetPath, Device device, ICollective? ranks)
    {
        Ranks = ranks ?? SingleProcess.Instance;
        CheckBatchSplits(options, networks.G.Config.ImgResolution, Ranks.Size);
        Share = new BatchShare(Ranks);
        Options = options;
        DatasetPath = datasetPath;
        (G, D, GEma) = networks;
        G.to(device);
        D.to(device);
        GEma.to(device);
        G.train();
        D.train();
        TrainingPhase.SetRequiresGrad(GEma.parameters(), false);
        GEma.eval();

        DataRandom = new torch.Generator((ulong)options.Seed * 3 + 1);
        LatentRandom = new torch.Generator((ulong)options.Seed * 3 + 2, device);
        LossRandom = new torch.Generator((ulong)options.Seed * 3 + 3, device);
        AugmentRandom = new torch.Generator((ulong)options.Seed * 3 + 1 + (1UL << 40), device); // apart from the others' seeds for any run seed
        if (options.Augmented)
        {
            Augment = new AugmentPipe(options.AugmentPipe, options.AugmentP);
            Augment.to(device);
            if (options.Augment == AugmentMode.Ada) Ada = new AdaptiveAugment(options.AdaTarget, options.AdaInterval, options.AdaKimg);
        }
        var augmentRandom = new GeneratorRandom(AugmentRandom, Share);
        Loss = new StyleGan2Loss(G, D, LossRandom, options.StyleMixing, options.Gamma, plWeight: options.PlWeight,
            kind: options.Loss, wganLambda: options.WganLambda, wganEpsilon: options.WganEpsilon,
            augment: Augment is null ? null : images => Augment.forward(images, augmentRandom), blurInitSigma: options.BlurSigma,
            blurFadeKimg: options.BlurFadeKimg, version: options.Input == SynthesisInput.Fourier ? LossVersion.StyleGan3 : LossVersion.StyleGan2Ada, share: Share);
        Phases = TrainingPhase.Schedule(G, D, options.LearningRate, options.DLearningRate ?? options.LearningRate, 0, 0.99,
            options.PlWeight > 0 ? options.GRegInterval : null, options.DRegularized ? options.DRegInterval : null, options.FreezeD,
            discriminatorFirst: options.Growth is not null);
    }

    // Each rank computes batch / ranks images of every minibatch (a growing run's batch changes with the resolution).
    static void CheckBatchSplits(TrainingOptions options, int resolution, int ranks)
    {
        if (ranks == 1) return;
        var batches = Enumerable.Range(2, Math.Max(1, (int)Math.Log2(resolution) - 1)).Select(log => options.BatchAt(1 << log)).Distinct();
        foreach (int batch in batches)
            if (batch % ranks != 0)
                throw new InvalidValueException(nameof(options.Batch), $"a minibatch of {batch} images does not split evenly over {ranks} processes; " +
                    $"choose a batch that is a multiple of {ranks} (each process computes batch / {ranks}), or run on a number of processes that divides it.");
    }

    /// <summary>The networks' precision.</summary>
    public ScalarType DType => D.parameters().First().dtype;

    /// <summary>The level of detail the networks are at (0 unless they grow): G's, which D and G_ema follow.</summary>
    public double Lod => G.Synthesis.Lod;

    /// <summary>Sets the level of detail of G, G_ema and D (growing networks only).</summary>
    public void SetLod(double lod)
    {
        G.Synthesis.Lod = lod;
        GEma.Synthesis.Lod = lod;
        D.Lod = lod;
    }

    static (Generator, Discriminator, Generator) NewNetworks(TrainingOptions options, int resolution, int channels, int labelDim, ScalarType dtype)
    {
        if (options.ChannelBase < resolution)
            throw new InvalidValueException(nameof(options.ChannelBase), $"the channel base {options.ChannelBase} gives no channels at {resolution}x{resolution}; it must be at least the resolution.");
        if (options.Augmented) options.AugmentPipe.CheckResolution(resolution);
        var (gConfig, dConfig) = NetworkConfigs(options, resolution, channels, options.Conditional ? labelDim : 0);
        var source = $"the training options ({resolution}x{resolution}, cfg {options.Cfg})";
        NetworkLimits.Check(gConfig, source);
        NetworkLimits.Check(dConfig, source);
        // G and G_ema, G's gradients and Adam moments, D's weights, gradients and moments.
        NetworkLimits.CheckFits(NetworkLimits.WeightCountLowerBound(gConfig) + NetworkLimits.WeightCountLowerBound(dConfig), null, source, copies: 5);
        manual_seed(options.Seed); // initial weights
        var (g, d, gEma) = (new Generator(gConfig), new Discriminator(dConfig), new Generator(gConfig));
        if (dtype != ScalarType.Float32)
        {
            g.to(dtype);
            d.to(dtype);
            gEma.to(dtype);
        }
        return (g, d, gEma);
    }

    /// <summary>
    /// Continues the run of a training checkpoint exactly where it stopped: its networks, optimizer states, loss state,
    /// random streams, options and counters. Only the schedule may change; everything that shapes the weights stays.
    /// </summary>
    /// <param name="path">A network-snapshot-*.safetensors of a run.</param>
    /// <param name="data">The real images, which must have the size the networks were trained on.</param>
    /// <param name="device">Where the networks live.</param>
    /// <param name="schedule">New length, tick, snapshot and retention settings (null: as saved).</param>
    /// <param name="ranks">The processes that continue the run together, as many as trained it or not (each reads the checkpoint); null: this one alone.</param>
    public static TrainingRunState Resume(string path, ImageDataset data, Device device, TrainingSchedule? schedule = null, ICollective? ranks = null)
    {
        var networks = NetworkFile.Load(path);
        TrainingRunState? run = null;
        try
        {
            Checkpoint.RequireCheckpoint(networks.Metadata, path);
            var saved = SavedOptions(networks.Metadata, path);
            // Only the schedule comes from the caller (flags), so a refusal of it names the setting.
            var options = (schedule ?? new TrainingSchedule()).ApplyTo(saved).Validate();
            if (networks.G is null || networks.D is null || networks.GEma is null)
                throw new InvalidDataException($"{path} lacks G, D or G_ema: a training checkpoint holds all three.");
            var g = networks.G.Config;
            // Training draws latents and builds its losses from the options, the weights come from the configs: the two
            // must agree (a z_dim of 64 in the options and 128 in G aborted the process inside libtorch).
            var (expectedG, expectedD) = NetworkConfigs(saved, g.ImgResolution, g.ImgChannels, g.CDim);
            if (expectedG != g || expectedD != networks.D.Config)
                throw new InvalidDataException($"{path}: its training options do not describe its networks (G_config and D_config); the checkpoint is corrupt.");
            if (g.ImgResolution != data.Resolution || g.ImgChannels != data.Channels)
                throw new InvalidDataException($"{data.Path} holds {data.Resolution}x{data.Resolution}x{data.Channels} images but {path} was trained on " +
                    $"{g.ImgResolution}x{g.ImgResolution}x{g.ImgChannels}; resume with the data it was trained on.");
            if (g.CDim > 0 && data.LabelDim != g.CDim)
                throw new InvalidDataException($"{path} is conditioned on {g.CDim} labels but {data.Path} has {data.LabelDim}; resume with the data it was trained on.");

            run = new TrainingRunState(options, (networks.G, networks.D, networks.GEma), NetworkFile.Entry(networks.Metadata, "dataset", path), device, ranks);
            Checkpoint.RestoreState(networks, run, path);
            DataParallel.Broadcast(run.Ranks, run.G, run.D, run.GEma);
            run.Counters = NetworkFile.Entry<TrainingCounters>(networks.Metadata, "counters", path);
            if (run.Counters.CurNimg < 0 || run.Counters.BatchIdx < 0)
                throw new InvalidDataException($"{path} says {run.Counters.CurNimg} images and {run.Counters.BatchIdx} minibatches were done; the checkpoint is corrupt.");
            return run;
        }
        catch
        {
            if (run is null) networks.Dispose();
            else run.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in networks.State.Values) tensor.Dispose(); // copied into the run
        }
    }

    /// <summary>
    /// A new run that starts from the weights of another network (transfer learning, as train.py's --resume): built
    /// from <paramref name="options"/> as a new run, then every tensor of G, D and G_ema that the source has under
    /// the same name is copied (G_ema from G, or G from G_ema, where the file has only one; D stays at its initial
    /// weights where the file has none). Counters, optimizers and random streams start afresh. The augmentation
    /// follows the options; see <see cref="Checkpoint.Augmentation"/> for the source's.
    /// </summary>
    /// <param name="options">The new run's options; its networks must have the source's shapes (the same --cfg).</param>
    /// <param name="source">The network file's contents, as NetworkFile.Load reads it (any format).</param>
    /// <param name="sourcePath">The file, for messages.</param>
    /// <param name="resolution">Image resolution of the new data.</param>
    /// <param name="channels">Image channels of the new data.</param>
    /// <param name="labelDim">Label size of the new data (0: unconditional).</param>
    /// <param name="datasetPath">Where the new data came from.</param>
    /// <param name="device">Where the networks live.</param>
    /// <param name="ranks">The processes that train the run together (each reads the source); null: this one alone.</param>
    /// <returns>The run, and what was not taken from the file.</returns>
    public static (TrainingRunState Run, IReadOnlyList<string> Notes) Transfer(TrainingOptions options, NetworkSet source, string sourcePath,
        int resolution, int channels, int labelDim, string datasetPath, Device device, ICollective? ranks = null)
    {
        var generator = source.G ?? source.GEma ?? throw new InvalidDataException($"{sourcePath} holds no generator to start from.");
        if (generator.Config.ImgResolution != resolution || generator.Config.ImgChannels != channels)
            throw new InvalidDataException($"{sourcePath} makes {generator.Config.ImgResolution}x{generator.Config.ImgResolution}x{generator.Config.ImgChannels} images " +
                $"but the data is {resolution}x{resolution}x{channels}; prepare the data at the network's size with `stylegan dataset --resolution {generator.Config.ImgResolution}`.");
        var run = new TrainingRunState(options, resolution, channels, labelDim, datasetPath, device, ranks);
        try
        {
            var notes = new List<string>();
            using (no_grad())
            {
                foreach (var (name, target, from) in new (string, nn.Module, nn.Module?)[] {
                    ("G", run.G, source.G ?? source.GEma), ("D", run.D, source.D), ("G_ema", run.GEma, source.GEma ?? source.G) })
                {
                    if (from is null)
                    {
                        notes.Add($"{sourcePath} has no {name}: it starts from initial weights.");
                        continue;
                    }
                    var tensors = from.state_dict();
                    var report = StateDict.Load(target, tensors, strict: false, origin: $"{sourcePath} ({name})");
                    if (report.Missing.Count > 0)
                        notes.Add($"{name}: not in {sourcePath}, left at initial values: {string.Join(", ", report.Missing)}.");
                    if (report.Unexpected.Count > 0)
                        notes.Add($"{name}: in {sourcePath} but not in this run's network, dropped: {string.Join(", ", report.Unexpected)}.");
                }
            }
            run.GEma.eval();
            DataParallel.Broadcast(run.Ranks, run.G, run.D, run.GEma);
            return (run, notes);
        }
        catch (InvalidDataException e)
        {
            run.Dispose();
            throw new InvalidDataException($"{e.Message} Train with the options the network was made with (its --cfg and sizes: `stylegan info {sourcePath}`).", e);
        }
    }

    // The options a checkpoint was trained with: values out of range are the file's fault, not a flag's.
    static TrainingOptions SavedOptions(IReadOnlyDictionary<string, string> metadata, string path)
    {
        var saved = NetworkFile.Entry<TrainingOptions>(metadata, "training_options", path);
        // Checkpoints from before augmentation trained without it; the default of new runs must not switch it on.
        if (JsonNode.Parse(metadata["training_options"]) is JsonObject { } json && !json.ContainsKey("augment"))
            saved = saved with { Augment = AugmentMode.Noaug };
        try
        {
            return saved.Validate();
        }
        catch (InvalidValueException e)
        {
            throw new InvalidDataException($"{path}: its training options are corrupt: {e.Message}", e);
        }
    }

    /// <summary>
    /// The network configs a run's options describe, as train.py builds them. Without mapping layers (the 2019
    /// paper's configs A and B) w is z with the label embedding beside it, as Progressive GAN puts labels beside z.
    /// </summary>
    public static (GeneratorConfig G, DiscriminatorConfig D) NetworkConfigs(TrainingOptions o, int resolution, int channels, int labelDim)
    {
        int? labelsBesideZ = o.MappingLayers == 0 && labelDim > 0 ? labelDim : null;
        bool aliasFree = o.Input == SynthesisInput.Fourier;
        return (
            new GeneratorConfig
            {
                ZDim = o.ZDim, CDim = labelDim, WDim = o.ZDim + (labelsBesideZ ?? 0), ImgResolution = resolution, ImgChannels = channels,
                // The 2019 StyleGAN truncates only the first 8 ws (G_style's truncation_cutoff); Progressive GAN and StyleGAN2 all.
                MappingKwargs = new MappingConfig
                {
                    NumLayers = o.MappingLayers, EmbedFeatures = labelsBesideZ,
                    TruncationCutoff = o.Normalization == SynthesisNormalization.Adain ? 8 : null,
                    WAvgBeta = aliasFree ? 0.998 : 0.995, // StyleGAN3's MappingNetwork tracks w_avg slower
                },
                SynthesisKwargs = new SynthesisConfig
                {
                    ChannelBase = o.ChannelBase * o.GChannelMultiplier, ChannelMax = o.ChannelMax * o.GChannelMultiplier, ConvClamp = o.ConvClamp, Architecture = o.GArchitecture,
                    Normalization = o.Normalization, Input = o.Input, UseNoise = o.UseNoise, Resampling = o.Resampling, Growing = o.Growth is not null,
                    // StyleGAN3's train.py: the magnitude EMA's half-life is 20 kimg whatever the batch.
                    NumLayers = aliasFree ? o.SynthesisLayers : null, MarginSize = aliasFree ? o.SynthesisMargin : null, ConvKernel = aliasFree ? o.ConvKernel : null,
                    UseRadialFilters = aliasFree && o.RadialFilters ? true : null, MagnitudeEmaBeta = aliasFree ? Math.Pow(0.5, o.Batch / 20000.0) : null,
                },
            },
            new DiscriminatorConfig
            {
                CDim = labelDim, ImgResolution = resolution, ImgChannels = channels, Architecture = o.DArchitecture,
                ChannelBase = o.ChannelBase, ChannelMax = o.ChannelMax, ConvClamp = o.ConvClamp,
                EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = o.MbstdGroup },
                Resampling = o.Resampling, Growing = o.Growth is not null,
            });
    }

    public void Dispose()
    {
        G.Dispose();
        D.Dispose();
        GEma.Dispose();
        foreach (var optimizer in Optimizers) optimizer.Optimizer.Dispose();
        Augment?.Dispose();
        foreach (var random in new[] { DataRandom, LatentRandom, LossRandom, AugmentRandom }) random.Dispose();
    }
}
