using StyleGan.Data;
using StyleGan.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Augment;

/// <summary>What D sees: real images as they are and under independent draws of an augmentation pipeline.</summary>
public static class AugmentationSamples
{
    /// <summary>
    /// A row per image: the image, then <paramref name="draws"/> augmentations of it ([N * (draws + 1), C, H, W] in
    /// [-1, 1], row by row).
    /// </summary>
    /// <param name="data">The real images.</param>
    /// <param name="pipeline">The transforms.</param>
    /// <param name="p">The augmentation probability.</param>
    /// <param name="images">Rows: the dataset's first this many images, or all of a smaller one.</param>
    /// <param name="draws">Augmented copies per image.</param>
    /// <param name="seed">Seeds the augmentation's draws.</param>
    /// <param name="device">Where the pipeline runs (the CPU when null); the result is on the CPU.</param>
    public static Tensor Make(ImageDataset data, AugmentConfig pipeline, double p, int images, int draws, ulong seed, Device? device = null)
    {
        if (images < 1 || draws < 1) throw new InvalidValueException(images < 1 ? "Images" : "Draws", "at least one image and one draw are needed.");
        using var scope = NewDisposeScope();
        int count = Math.Min(images, data.Count);
        device ??= CPU;
        var reals = PixelRange.FromUint8(data.Images(Enumerable.Range(0, count).ToList())).to(device);
        using var pipe = new AugmentPipe(pipeline, p);
        pipe.to(device);
        var random = new GeneratorRandom(new torch.Generator(seed, device));
        using var _ = no_grad();
        var copies = Enumerable.Range(0, draws).Select(_ => pipe.forward(reals, random)).Prepend(reals).ToArray();
        return stack(copies, 1).reshape(count * (draws + 1), reals.shape[1], reals.shape[2], reals.shape[3]).clamp(-1, 1).cpu().MoveToOuterDisposeScope();
    }
}
