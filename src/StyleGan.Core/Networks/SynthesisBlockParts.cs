using StyleGan.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Networks;

/// <summary>The parts of one resolution of a synthesis network, as its family builds them; <see cref="SynthesisBlock"/> wires them.</summary>
/// <param name="Const">The learned 4x4 input kept on the first block (StyleGAN2's <c>synthesis.b4.const</c>), or null.</param>
/// <param name="Input">The first block's input layer (the 2019 family's const or dense input, <c>synthesis.b4.input</c>), or null.</param>
/// <param name="Conv0">The up-sampling first layer of a later block, or null.</param>
/// <param name="Conv1">The block's second layer (the only one after a const).</param>
/// <param name="ToRgb">The block's toRGB, or null.</param>
/// <param name="Skip">The residual path's 1x1 up-sampling convolution, or null.</param>
/// <param name="ResampleFilter">The FIR filter the image of the skip architecture is up-sampled with, or null.</param>
public sealed record SynthesisBlockParts(Parameter? Const, ISynthesisLayer? Input, ISynthesisLayer? Conv0, ISynthesisLayer Conv1, ToRgbLayer? ToRgb,
    Conv2dLayer? Skip, Tensor? ResampleFilter);
