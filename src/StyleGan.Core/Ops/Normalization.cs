using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>Pixel norm of latents: scales each vector to unit root-mean-square.</summary>
public static class Normalization
{
    public static Tensor NormalizeSecondMoment(Tensor x, long dim = 1, double eps = 1e-8) =>
        x * (x.square().mean(new[] { dim }, keepdim: true) + eps).rsqrt();
}
