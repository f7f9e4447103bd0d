using StyleGan.Networks;

namespace StyleGan.Training;

/// <summary>
/// Everything that defines a training run, as StyleGAN2-ADA's train.py assembles it from --cfg and overrides.
/// Saved in every checkpoint, so a resumed run continues with exactly these values.
/// </summary>
public sealed record TrainingOptions
{
    public string Cfg { get; init; } = "cpu-tiny";      // preset the values came from (see Presets)
    public double TotalKimg { get; init; } = 25000;      // train for this many thousand real images
    public int Batch { get; init; } = 32;                // images per minibatch
    public int ZDim { get; init; } = 512;                // latent size (w_dim equals it)
    public int MappingLayers { get; init; } = 8;         // mapping network depth
    public int ChannelBase { get; init; } = 16384;       // channels(res) = min(channel_base / res, channel_max)
    public int ChannelMax { get; init; } = 512;
    public int MbstdGroup { get; init; } = 4;            // minibatch stddev group size
    public double? ConvClamp { get; init; } = 256;       // clamp of conv outputs (the official runs use 256)
    public Architecture DArchitecture { get; init; } = Architecture.Resnet;
    public double LearningRate { get; init; } = 0.0025;  // Adam lr of G and D
    public double Gamma { get; init; } = 10;             // R1 weight
    public double PlWeight { get; init; } = 2;           // path length regularization weight (0: off)
    public double StyleMixing { get; init; } = 0.9;      // style mixing probability
    public double EmaKimg { get; init; } = 10;           // half-life of G_ema in thousand images
    public double? EmaRampup { get; init; } = 0.05;      // half-life at most this fraction of images seen (null: none)
    public int GRegInterval { get; init; } = 4;          // lazy path length regularization interval
    public int DRegInterval { get; init; } = 16;         // lazy R1 interval
    public bool Mirror { get; init; }                    // random x-flips of real images
    public bool Conditional { get; init; } = true;       // use the dataset's labels when it has them
    public double TickKimg { get; init; } = 1;           // progress and log every this many kimg
    public double SnapKimg { get; init; } = 10;          // checkpoint and sample grid every this many kimg
    public int KeepSnapshots { get; init; } = 5;         // keep the newest this many checkpoints (0: all)
    public int Seed { get; init; }                       // seeds initialization, data order, latents and noise
}
