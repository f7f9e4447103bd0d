using StyleGan.Distributed;
using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// StyleGAN3's synthesis network (networks_stylegan3.py's SynthesisNetwork): the Fourier input, then the layers of
/// the <see cref="AliasFreeSchedule"/> at their own sizes and rates, the last one toRGB, scaled by the output scale.
/// One w for the input and one for each layer.
/// </summary>
public sealed class AliasFreeSynthesisNetwork : SynthesisNetwork
{
    readonly FourierInput input;
    readonly List<AliasFreeLayer> layers = [];
    readonly double outputScale;

    /// <summary>Number of ws the network consumes: the input's and one per layer.</summary>
    public override int NumWs { get; }

    /// <summary>Resolution of the generated images.</summary>
    public override int ImgResolution { get; }

    /// <summary>The layers in order, with their places in the schedule.</summary>
    public IReadOnlyList<AliasFreeLayerSpec> Schedule { get; }

    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="imgResolution">Output resolution.</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="channelBase">Overall multiplier of the channels (32768 in config T, 65536 in config R).</param>
    /// <param name="channelMax">Most channels of any layer (512 in config T, 1024 in config R).</param>
    /// <param name="numLayers">Layers, excluding the input and the toRGB.</param>
    /// <param name="numCritical">Critically sampled layers at the end.</param>
    /// <param name="marginSize">Pixels outside the image in every layer but the last two.</param>
    /// <param name="outputScale">Scale of the output image.</param>
    /// <param name="convKernel">Convolution kernel (3 in config T, 1 in config R).</param>
    /// <param name="useRadialFilters">Radially symmetric down-sampling filters (config R).</param>
    /// <param name="convClamp">Clamp of the layers' outputs, or null.</param>
    /// <param name="magnitudeEmaBeta">Decay of the tracked input magnitudes.</param>
    public AliasFreeSynthesisNetwork(int wDim, int imgResolution, int imgChannels, double channelBase = 32768, double channelMax = 512, int numLayers = 14,
        int numCritical = 2, int marginSize = 10, double outputScale = 0.25, int convKernel = 3, bool useRadialFilters = false, double? convClamp = 256,
        double magnitudeEmaBeta = 0.999) : base(nameof(AliasFreeSynthesisNetwork))
    {
        this.outputScale = outputScale;
        ImgResolution = imgResolution;
        var (inputSpec, schedule) = AliasFreeSchedule.Of(imgResolution, imgChannels, channelBase, channelMax, numLayers, numCritical, marginSize: marginSize);
        Schedule = schedule;
        register_module("input", input = new FourierInput(wDim, inputSpec.Channels, inputSpec.Size, inputSpec.SamplingRate, inputSpec.Bandwidth));
        foreach (var spec in schedule)
        {
            var layer = new AliasFreeLayer(wDim, spec.IsToRgb, spec.IsCriticallySampled, spec.InChannels, spec.OutChannels, spec.InSize, spec.OutSize,
                spec.InSamplingRate, spec.OutSamplingRate, spec.InCutoff, spec.OutCutoff, spec.InHalfWidth, spec.OutHalfWidth, convKernel: convKernel,
                useRadialFilters: useRadialFilters, convClamp: convClamp, magnitudeEmaBeta: magnitudeEmaBeta);
            layers.Add(layer);
            register_module(spec.Name, layer);
        }
        NumWs = layers.Count + 1;
    }

    /// <summary>The Fourier input, whose <see cref="FourierInput.Transform"/> translates and rotates the image.</summary>
    public FourierInput Input => input;

    /// <summary>StyleGAN3's network from a config (<see cref="SynthesisInput.Fourier"/>), with NVIDIA's defaults where it says nothing.</summary>
    /// <param name="wDim">Intermediate latent size.</param>
    /// <param name="imgResolution">Output resolution.</param>
    /// <param name="imgChannels">Output channels.</param>
    /// <param name="config">The synthesis arguments.</param>
    public AliasFreeSynthesisNetwork(int wDim, int imgResolution, int imgChannels, SynthesisConfig config) : this(wDim, imgResolution, imgChannels,
        config.ChannelBase, config.ChannelMax, config.NumLayers ?? 14, config.NumCritical ?? 2, config.MarginSize ?? 10, config.OutputScale ?? 0.25,
        config.ConvKernel ?? 3, config.UseRadialFilters ?? false, config.ConvClamp, config.MagnitudeEmaBeta ?? 0.999)
    {
    }

    /// <summary>The layers after the input, each taking the w after the input's.</summary>
    public override IEnumerable<(string Name, int WIndex, ISynthesisLayer Layer)> Layers() =>
        Schedule.Select((spec, i) => (spec.Name, i + 1, (ISynthesisLayer)layers[i]));

    /// <summary>The image; noise settings and the modulated convolution path do not apply (StyleGAN3 has neither).</summary>
    /// <param name="ws">[N, NumWs, w_dim].</param>
    /// <param name="noiseMode">Ignored: StyleGAN3's layers have no noise.</param>
    /// <param name="fusedModconv">Ignored: StyleGAN3's modulated convolutions have one path.</param>
    /// <param name="noiseGenerator">Ignored.</param>
    /// <param name="noiseScale">Ignored.</param>
    /// <param name="observe">Called with the input's and each layer's output under its name, while alive; null: none.</param>
    /// <param name="updateEmas">Track each layer's input magnitude first (training).</param>
    /// <param name="share">Ignored: StyleGAN3's layers draw no noise.</param>
    public override Tensor forward(Tensor ws, NoiseMode noiseMode = NoiseMode.Random, bool? fusedModconv = null, TorchSharp.torch.Generator? noiseGenerator = null,
        double noiseScale = 1, Action<string, Tensor>? observe = null, bool updateEmas = false, BatchShare? share = null) => Intermediates.Keep(() =>
    {
        if (ws.ndim != 3 || ws.shape[1] != NumWs)
            throw new ArgumentException($"ws must be [N, {NumWs}, w_dim], got [{string.Join(", ", ws.shape)}].", nameof(ws));
        ws = ws.to(layers[0].DType);
        var x = input.forward(ws.select(1, 0));
        observe?.Invoke("input", x);
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].forward(x, ws.select(1, i + 1), updateEmas);
            observe?.Invoke(Schedule[i].Name, x);
        }
        return x * outputScale;
    });
}
