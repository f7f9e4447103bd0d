using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>The loss terms of StyleGAN2 as pure functions of logits, images and latents (per sample, not yet averaged).</summary>
public static class GanLosses
{
    /// <summary>Non-saturating generator loss: -log(sigmoid(D(G(z)))).</summary>
    public static Tensor GeneratorLogistic(Tensor fakeLogits) => nn.functional.softplus(-fakeLogits);

    /// <summary>Discriminator loss on fakes: -log(1 - sigmoid(D(G(z)))).</summary>
    public static Tensor DiscriminatorFake(Tensor fakeLogits) => nn.functional.softplus(fakeLogits);

    /// <summary>Discriminator loss on reals: -log(sigmoid(D(x))).</summary>
    public static Tensor DiscriminatorReal(Tensor realLogits) => nn.functional.softplus(-realLogits);

    /// <summary>R1: the squared norm of D's gradient at the real images (times gamma / 2 in the loss), differentiable.</summary>
    public static Tensor R1Penalty(Tensor realLogits, Tensor realImages)
    {
        var grads = autograd.grad(new[] { realLogits.sum() }, new[] { realImages }, create_graph: true, retain_graph: true)[0];
        return grads.square().sum(new long[] { 1, 2, 3 });
    }

    /// <summary>
    /// Path lengths: |J_w^T y| for random image-space directions y (scaled by 1/sqrt(pixels)), averaged over the ws of
    /// each sample, differentiable. The regularizer pulls them towards their running mean.
    /// </summary>
    public static Tensor PathLengths(Tensor images, Tensor ws, Tensor noise)
    {
        var grads = autograd.grad(new[] { (images * noise).sum() }, new[] { ws }, create_graph: true, retain_graph: true)[0];
        return grads.square().sum(2).mean(new long[] { 1 }).sqrt();
    }
}
