using StyleGan.Distributed;
using StyleGan.Configs;
using StyleGan.Layers;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// The synthesis network a generator draws with, ws -> image, whatever its family: the block families' (StyleGAN2,
/// StyleGAN 2019, Progressive GAN: <see cref="BlockSynthesisNetwork"/>) or StyleGAN3's alias-free layers
/// (<see cref="AliasFreeSynthesisNetwork"/>). <see cref="Of"/> chooses it once from the config.
/// </summary>
/// <param name="name">The module's name.</param>
public abstract class SynthesisNetwork(string name) : nn.Module(name)
{
    /// <summary>The synthesis network a config describes: StyleGAN3's when its input is Fourier features, else the blocks of its family.</summary>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="imgResolution">Output resolution.</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="config">The synthesis arguments.</param>
    public static SynthesisNetwork Of(int wDim, int imgResolution, int imgChannels, SynthesisConfig config) =>
        config.Input == SynthesisInput.Fourier
            ? new AliasFreeSynthesisNetwork(wDim, imgResolution, imgChannels, config)
            : new BlockSynthesisNetwork(wDim, imgResolution, imgChannels, config);

    /// <summary>Number of ws the network consumes.</summary>
    public abstract int NumWs { get; }

    /// <summary>Resolution of the generated images.</summary>
    public abstract int ImgResolution { get; }

    /// <summary>Whether the network grows progressively (see <see cref="Lod"/>); only the 2019 family's does.</summary>
    public virtual bool Growing => false;

    /// <summary>
    /// The level of detail of a growing network (0: full resolution; k: the resolution / 2^k; between: a fade), as
    /// the training schedule sets it; always 0 for a network that does not grow.
    /// </summary>
    public virtual double Lod
    {
        get => 0;
        set
        {
            if (value != 0) throw new InvalidOperationException($"A {GetType().Name} does not grow: its level of detail is 0, not {value}.");
        }
    }

    /// <summary>The lowest level of detail (0 for a network that does not grow).</summary>
    public virtual int MaxLod => 0;

    /// <summary>How many of the ws the network at its lod uses.</summary>
    public virtual int ActiveNumWs => NumWs;

    /// <summary>Every synthesis layer with its name in the state dict and the index of the w it takes.</summary>
    public abstract IEnumerable<(string Name, int WIndex, ISynthesisLayer Layer)> Layers();

    /// <param name="ws">[N, NumWs, w_dim].</param>
    /// <param name="noiseMode">Random, constant or no noise (StyleGAN3's layers have none).</param>
    /// <param name="fusedModconv">StyleGAN2's modulated convolution path (default: unfused in training, measured in eval).</param>
    /// <param name="noiseGenerator">Random stream for NoiseMode.Random.</param>
    /// <param name="noiseScale">Multiplies every layer's noise (1: as trained).</param>
    /// <param name="observe">Called with each layer's output under its name, while alive; null: none.</param>
    /// <param name="updateEmas">Training: track the moving averages first (StyleGAN3's input magnitudes; the block families have none), as NVIDIA's update_emas.</param>
    /// <param name="share">The rows of a minibatch that several ranks compute together that ws are (noise is drawn for the whole minibatch); null: all of it.</param>
    public abstract Tensor forward(Tensor ws, NoiseMode noiseMode = NoiseMode.Random, bool? fusedModconv = null, TorchSharp.torch.Generator? noiseGenerator = null,
        double noiseScale = 1, Action<string, Tensor>? observe = null, bool updateEmas = false, BatchShare? share = null);
}
