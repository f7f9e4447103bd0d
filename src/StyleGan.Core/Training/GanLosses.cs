using static TorchSharp.torch;

namespace StyleGan.Training;

/// <summary>The loss terms of StyleGAN2 and Progressive GAN as pure functions of logits, images and latents (per sample, not yet averaged).</summary>
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

    /// <summary>WGAN's generator loss: -D(G(z)).</summary>
    public static Tensor GeneratorWasserstein(Tensor fakeLogits) => -fakeLogits;

    /// <summary>WGAN's discriminator loss on fakes: D(G(z)).</summary>
    public static Tensor DiscriminatorWassersteinFake(Tensor fakeLogits) => fakeLogits;

    /// <summary>WGAN's discriminator loss on reals with Progressive GAN's drift term: -D(x) + epsilon D(x)^2.</summary>
    public static Tensor DiscriminatorWassersteinReal(Tensor realLogits, double epsilon) => realLogits.square() * epsilon - realLogits;

    /// <summary>
    /// WGAN-GP's gradient penalty: (|grad_x D(x)| - 1)^2 at images between reals and fakes (times lambda in the
    /// loss), differentiable.
    /// </summary>
    public static Tensor GradientPenalty(Tensor mixedLogits, Tensor mixedImages)
    {
        var grads = autograd.grad(new[] { mixedLogits.sum() }, new[] { mixedImages }, create_graph: true, retain_graph: true)[0];
        return (grads.square().sum(new long[] { 1, 2, 3 }).sqrt() - 1).square();
    }
}
