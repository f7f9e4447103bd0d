using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Networks;
using StyleGan.Ops;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Serve;

/// <summary>A rendered image and what the page shows beside it.</summary>
/// <param name="Png">The PNG bytes.</param>
/// <param name="Statistics">Of the shown layer (the output image when no layer is chosen).</param>
/// <param name="Milliseconds">How long the render took.</param>
/// <param name="Seed">The seed of the state's point.</param>
public sealed record RenderResult(byte[] Png, LayerStatistics Statistics, double Milliseconds, uint Seed);

/// <summary>An open network the page explores: its sampler, its semantic directions, its layers, and one render at a time.</summary>
public sealed class ExploreSession : IDisposable
{
    /// <summary>How many semantic directions the page offers.</summary>
    public const int DirectionCount = 8;

    readonly NetworkSet networks;
    readonly SemanticDirectionSet? directions;

    /// <param name="file">The network file (ours, converted, an NVIDIA pickle or a rosinality checkpoint), open; disposed here.</param>
    /// <param name="path">Its path, shown and used to open it again (for projections).</param>
    /// <param name="device">Where it runs.</param>
    /// <param name="maxWaiting">The most render requests that may wait at once.</param>
    public ExploreSession(FileStream file, string path, Device device, int maxWaiting = 64)
    {
        networks = NetworkFile.Load(file, path, NetworkParts.Sampler);
        try
        {
            Gate = new RenderGate(maxWaiting);
            Sampler = new Sampler(networks.Sampler, device, batchSize: 1);
            var config = Sampler.Generator.Config;
            try { directions = SemanticDirections.Find(Sampler, Enumerable.Range(0, Sampler.NumWs).ToList(), Math.Min(DirectionCount, config.WDim)); }
            catch (InvalidValueException) { directions = null; } // a network without styles has no directions to offer
            Info = new NetworkInfo(path, networks.Format, config.ImgResolution, config.ImgChannels, Sampler.NumWs, config.ZDim, config.WDim, config.CDim,
                Sampler.Generator.parameters().Sum(p => p.numel()), NoiseInputs.Of(Sampler.Generator.Synthesis).Count > 0,
                Sampler.Generator.Synthesis is AliasFreeSynthesisNetwork,
                (int)(directions?.Directions.shape[0] ?? 0), ListLayers(), networks.Notes);
        }
        catch
        {
            networks.Dispose();
            throw;
        }
    }

    /// <summary>The network's generator, as every command samples it.</summary>
    public Sampler Sampler { get; }

    /// <summary>What the page shows and requests are checked against.</summary>
    public NetworkInfo Info { get; }

    /// <summary>The semantic directions the sliders move along (SeFa over all layers), or null.</summary>
    public SemanticDirectionSet? Directions => directions;

    /// <summary>Renders wait here: one at a time.</summary>
    public RenderGate Gate { get; }

    /// <summary>The ws of a state: the projection's or the seed plane's, then mixing and direction moves.</summary>
    /// <param name="state">The page's state.</param>
    /// <param name="projected">The projection's ws [1, num_ws, w_dim] when the state names one.</param>
    public Tensor Ws(ViewState state, Tensor? projected)
    {
        var ws = projected?.clone() ?? SeedPlane.Ws(Sampler, state.X, state.Y, state.Class, state.Truncation);
        return state.Edits.Apply(ws, Sampler, state.Class, state.Truncation, directions);
    }

    /// <summary>The image of a state (call through <see cref="Gate"/>: the network renders one state at a time).</summary>
    /// <param name="state">The page's state.</param>
    /// <param name="projected">The projection's ws when the state names one.</param>
    public RenderResult Render(ViewState state, Tensor? projected)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var ws = Ws(state, projected);
        Tensor? captured = null;
        if (Info.HasInputTransform) InputTransform.Apply(Sampler.Generator, state.Move.X, state.Move.Y, state.Move.Degrees);
        var image = Sampler.Synthesize(ws, state.Noise, state.Layer is null ? null : (name, output) =>
        {
            if (name == state.Layer) captured = output.detach().cpu().clone().DetachFromDisposeScope();
        });
        try
        {
            var shown = captured ?? image;
            // As NVIDIA's visualizer: the shown tensor resampled by the input's transform (its filter cut at 6 pixels).
            if (state.Move.Untransform)
                shown = EquivarianceTransforms.AffineTransformation(shown.to(float32), ((AliasFreeSynthesisNetwork)Sampler.Generator.Synthesis).Input.Transform.cpu(), a: 3, amax: 6).Image;
            using var view = LayerView.Show(shown, state.Channel, state.Normalize);
            byte[] png = ImageFile.Png(view.Image);
            return new RenderResult(png, view.Statistics, watch.Elapsed.TotalMilliseconds, state.Seed);
        }
        finally
        {
            captured?.Dispose();
        }
    }

    // The layers and their output shapes, from one synthesis of w_avg.
    IReadOnlyList<LayerInfo> ListLayers()
    {
        using var scope = NewDisposeScope();
        var layers = new List<LayerInfo>();
        var ws = Sampler.WAvg.reshape(1, 1, -1).expand(1, Sampler.NumWs, -1).cpu();
        Sampler.Synthesize(ws, NoiseSettings.Const, (name, output) => layers.Add(new LayerInfo(name, (int)output.shape[1], (int)output.shape[2])));
        return layers;
    }

    public void Dispose()
    {
        directions?.Directions.Dispose();
        directions?.Eigenvalues.Dispose();
        networks.Dispose();
    }
}
