using TorchSharp;
using StyleGan.Configs;
using StyleGan.Layers;
using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>
/// One resolution of the synthesis network: its input (the learned constant, StyleGAN's input layer, or a first
/// convolution that up-samples), a second convolution, toRGB, and the skip/residual wiring. Its family
/// (<see cref="SynthesisFamily"/>) chooses the parts; the block registers them under their official names and wires them.
/// </summary>
public sealed class SynthesisBlock : nn.Module
{
    // Each part has a field of its registered name: TorchSharp's state_dict also lists modules by field name.
    readonly Parameter? @const;
    readonly ISynthesisLayer? input;
    readonly ISynthesisLayer? conv0;
    readonly ISynthesisLayer conv1;
    readonly ToRgbLayer? torgb;
    readonly Conv2dLayer? skip;
    readonly Tensor? resample_filter;

    /// <summary>Number of synthesis layers (each takes one w).</summary>
    public int NumConv { get; }

    /// <summary>Number of ws the block's toRGB takes (0 without toRGB, or with the 2019 family's unmodulated one).</summary>
    public int NumToRgb { get; }

    /// <summary>The block's synthesis layers in the order they take ws, with their names in the block.</summary>
    public IEnumerable<(string Name, ISynthesisLayer Layer)> Layers =>
        input is not null ? [("input", input), ("conv1", conv1)] : conv0 is not null ? [("conv0", conv0), ("conv1", conv1)] : [("conv1", conv1)];

    /// <summary>The dtype the block's parameters are stored in (float32 unless the network was converted).</summary>
    public ScalarType DType => conv1.DType;

    /// <param name="parts">The block's layers, as its family builds them.</param>
    /// <param name="toRgbWs">How many ws a toRGB of the family takes.</param>
    public SynthesisBlock(SynthesisBlockParts parts, int toRgbWs) : base(nameof(SynthesisBlock))
    {
        if (parts.ResampleFilter is not null) register_buffer("resample_filter", resample_filter = parts.ResampleFilter);
        if (parts.Const is not null) register_parameter("const", @const = parts.Const);
        if (parts.Input is not null) register_module("input", (nn.Module)(input = parts.Input));
        if (parts.Conv0 is not null) register_module("conv0", (nn.Module)(conv0 = parts.Conv0));
        register_module("conv1", (nn.Module)(conv1 = parts.Conv1));
        NumConv = Layers.Count();
        if (parts.ToRgb is not null)
        {
            register_module("torgb", torgb = parts.ToRgb);
            NumToRgb = toRgbWs;
        }
        if (parts.Skip is not null) register_module("skip", skip = parts.Skip);
    }

    /// <param name="x">Features of the previous block, or null for the first block.</param>
    /// <param name="img">Image so far (skip architecture), or null.</param>
    /// <param name="ws">[N, NumConv + NumToRgb, w_dim].</param>
    /// <param name="call">The pass's noise and convolution path.</param>
    /// <param name="observe">
    /// Called with each layer's output under its state-dict name ("b8.conv0", "b8.torgb"), while the tensor is alive:
    /// an observer that keeps one copies it. Null: none.
    /// </param>
    /// <returns>The features, and the image so far plus this block's toRGB (null when the block has no toRGB and none came in).</returns>
    public (Tensor X, Tensor? Img) forward(Tensor? x, Tensor? img, Tensor ws, SynthesisCall call, Action<string, Tensor>? observe = null) =>
        Intermediates.Keep(() =>
        {
            var w = ws.unbind(1);
            int next = 0;
            Tensor Conv(ISynthesisLayer layer, string name, Tensor? input)
            {
                var output = layer.forward(input, w[next++], call);
                observe?.Invoke($"b{conv1.Resolution}.{name}", output);
                return output;
            }

            if (@const is not null)
            {
                x = Conv(conv1, "conv1", @const.unsqueeze(0).repeat(ws.shape[0], 1, 1, 1));
            }
            else if (skip is not null)
            {
                var y = skip.forward(x!, gain: Math.Sqrt(0.5));
                x = Conv(conv0!, "conv0", x);
                x = Conv(conv1, "conv1", x);
                x = y + x;
            }
            else
            {
                x = input is not null ? Conv(input, "input", x) : Conv(conv0!, "conv0", x);
                x = Conv(conv1, "conv1", x);
            }

            if (img is not null) img = Upfirdn2d.Upsample2d(img, resample_filter!);
            if (torgb is not null)
            {
                var y = torgb.forward(x, torgb.Modulated ? w[next] : null, call.FusedModconv);
                observe?.Invoke($"b{conv1.Resolution}.torgb", y);
                img = img is null ? y : img + y;
            }
            return (x, img);
        });
}
