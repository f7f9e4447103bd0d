using StyleGan.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Layers;

/// <summary>Fully connected layer with equalized learning rate: weights are stored as N(0,1)/lr and scaled at run time.</summary>
public sealed class FullyConnectedLayer : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly Activation activation;
    readonly double weightGain;
    readonly double biasGain;

    /// <summary>The weight as the layer applies it, [out, in]: the stored weight times its equalized-lr gain.</summary>
    public Tensor EffectiveWeight => weight * weightGain;

    /// <param name="inFeatures">Number of input features.</param>
    /// <param name="outFeatures">Number of output features.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="activation">Activation after the bias.</param>
    /// <param name="lrMultiplier">Learning-rate multiplier (0.01 in the mapping network).</param>
    /// <param name="biasInit">Initial value of the bias (1 for style affines, so styles start at 1).</param>
    /// <param name="weightInit">Initial standard deviation of the weight (0: StyleGAN3's input affine starts at its bias).</param>
    /// <param name="biasInitValues">Initial bias per output, instead of <paramref name="biasInit"/> for all.</param>
    public FullyConnectedLayer(long inFeatures, long outFeatures, bool bias = true, Activation activation = Activation.Linear,
        double lrMultiplier = 1, float biasInit = 0, double weightInit = 1, float[]? biasInitValues = null) : base(nameof(FullyConnectedLayer))
    {
        this.activation = activation;
        weight = new Parameter(weightInit == 1 ? randn(outFeatures, inFeatures) / lrMultiplier : randn(outFeatures, inFeatures) * (weightInit / lrMultiplier));
        this.bias = bias ? new Parameter(biasInitValues is null ? full(outFeatures, biasInit) : tensor(biasInitValues) / lrMultiplier) : null;
        weightGain = lrMultiplier / Math.Sqrt(inFeatures);
        biasGain = lrMultiplier;
        register_parameter("weight", weight);
        if (this.bias is not null) register_parameter("bias", this.bias);
    }

    /// <summary>The dtype the layer's parameters are stored in (float32 unless the network was converted).</summary>
    public ScalarType DType => weight.dtype;

    public override Tensor forward(Tensor x)
    {
        var w = weight.to(x.dtype) * weightGain;
        var b = bias?.to(x.dtype);
        if (b is not null && biasGain != 1) b = b * biasGain;
        if (activation == Activation.Linear && b is not null)
            return addmm(b.unsqueeze(0), x, w.t(), beta: 1, alpha: 1);
        return BiasAct.Apply(x.matmul(w.t()), b, act: activation, overwrite: true);
    }
}
