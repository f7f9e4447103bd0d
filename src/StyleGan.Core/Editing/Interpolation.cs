using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>Where an interpolation moves between seeds.</summary>
public enum InterpolationSpace
{
    /// <summary>Spherical interpolation of the latents z, each frame mapped afresh.</summary>
    Z,
    /// <summary>Linear interpolation of the mapped ws, as NVIDIA's tools move through W.</summary>
    W,
}

/// <summary>A walk through latent space from seed to seed: the frames of an interpolation video.</summary>
public static class Interpolation
{
    /// <summary>How many frames a walk has: <paramref name="framesPerSeed"/> per step between seeds, plus the last seed's own unless it loops back.</summary>
    /// <param name="seedCount">The seeds visited.</param>
    /// <param name="framesPerSeed">Frames from one seed to the next.</param>
    /// <param name="loop">Whether the walk returns to the first seed (and so ends just before it).</param>
    public static int FrameCount(int seedCount, int framesPerSeed, bool loop) => (loop ? seedCount : seedCount - 1) * framesPerSeed + (loop ? 0 : 1);

    /// <summary>
    /// The frames [1, C, H, W] in [-1, 1], made lazily a batch at a time, so a long video never holds more than one
    /// batch; each frame is valid until the next is asked for (copy it to keep it). Frame 0 is the first seed's image, and the last frame the last seed's (without a loop), exactly as
    /// <see cref="Sampler.GenerateSeeds"/> makes them.
    /// </summary>
    /// <param name="sampler">The generator to sample.</param>
    /// <param name="seeds">The seeds visited, in order (at least 2).</param>
    /// <param name="space">Slerp in Z or lerp in W.</param>
    /// <param name="framesPerSeed">Frames from one seed to the next.</param>
    /// <param name="loop">Return to the first seed, for a video that repeats without a jump.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation trick.</param>
    /// <param name="noise">The per-pixel noise (const keeps detail still between frames).</param>
    public static IEnumerable<Tensor> Frames(Sampler sampler, IReadOnlyList<uint> seeds, InterpolationSpace space = InterpolationSpace.W, int framesPerSeed = 60,
        bool loop = false, int? classIndex = null, Truncation? truncation = null, NoiseSettings? noise = null)
    {
        if (seeds.Count < 2) throw new InvalidValueException("Seeds", $"an interpolation needs at least 2 seeds, got {seeds.Count}.");
        if (framesPerSeed is < 1 or > 10_000) throw new InvalidValueException("FramesPerSeed", $"{framesPerSeed} frames per seed is outside [1, 10000].");
        (truncation ?? Truncation.None).Check(sampler.NumWs);
        sampler.Labels(classIndex, 1);
        return Walk(sampler, seeds, space, framesPerSeed, loop, classIndex, truncation, noise);
    }

    static IEnumerable<Tensor> Walk(Sampler sampler, IReadOnlyList<uint> seeds, InterpolationSpace space, int framesPerSeed, bool loop, int? classIndex,
        Truncation? truncation, NoiseSettings? noise)
    {
        using var z = sampler.Latents(seeds);
        using var ws = space == InterpolationSpace.W ? sampler.MapSeeds(seeds, classIndex, truncation) : null;
        int count = FrameCount(seeds.Count, framesPerSeed, loop);
        for (int start = 0; start < count; start += sampler.BatchSize)
        {
            var frames = new List<Tensor>();
            using (var scope = NewDisposeScope())
            {
                var batch = new List<Tensor>();
                for (int frame = start; frame < Math.Min(count, start + sampler.BatchSize); frame++)
                {
                    int from = Math.Min(frame / framesPerSeed, seeds.Count - 1), to = (from + 1) % seeds.Count;
                    double t = frame / framesPerSeed >= seeds.Count - (loop ? 0 : 1) ? 0 : frame % framesPerSeed / (double)framesPerSeed;
                    batch.Add(space == InterpolationSpace.W
                        ? WSpace.Lerp(ws!.narrow(0, from, 1), ws.narrow(0, to, 1), t)
                        : WSpace.Slerp(z.narrow(0, from, 1), z.narrow(0, to, 1), t));
                }
                var points = cat(batch, 0);
                var images = sampler.Synthesize(space == InterpolationSpace.W ? points : sampler.Map(points, sampler.Labels(classIndex, points.shape[0]), truncation), noise);
                // Held by this walk alone, whatever scope the caller asks for a frame in, and freed once the caller moves on.
                for (int i = 0; i < images.shape[0]; i++) frames.Add(images.narrow(0, i, 1).clone().DetachFromDisposeScope());
            }
            foreach (var frame in frames)
            {
                yield return frame;
                frame.Dispose();
            }
        }
    }
}
