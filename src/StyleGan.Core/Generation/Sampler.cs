using StyleGan.Configs;
using StyleGan.Networks;
using StyleGan.Random;
using StyleGan.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Generation;

/// <summary>
/// Images and ws from a generator, the way every command, the training grid and the metrics make them: seeds (or z,
/// or ws) to labels, mapping with truncation, synthesis with a noise setting, in batches, without gradients. Results
/// come back on the CPU; the generator runs on <see cref="Device"/>.
/// </summary>
public sealed class Sampler
{
    /// <param name="generator">The network (G_ema for sampling); it is put in eval mode on <paramref name="device"/>.</param>
    /// <param name="device">Where the network runs (null: CPU).</param>
    /// <param name="batchSize">Images per forward pass, which is what memory must hold at once.</param>
    public Sampler(Generator generator, Device? device = null, int batchSize = 16)
    {
        if (batchSize is < 1 or > 1024) throw new InvalidValueException("BatchSize", $"the batch size {batchSize} is outside [1, 1024].");
        Generator = generator;
        Device = device ?? CPU;
        BatchSize = batchSize;
        generator.to(Device);
        generator.eval();
    }

    public Generator Generator { get; }
    public Device Device { get; }
    public int BatchSize { get; }

    /// <summary>Number of ws the synthesis network takes.</summary>
    public int NumWs => Generator.NumWs;

    /// <summary>The tracked mean of w [w_dim].</summary>
    public Tensor WAvg => Generator.Mapping.WAvg;

    /// <summary>z for seeds [N, z_dim], exactly as NVIDIA's generate.py draws them (<c>RandomState(seed).randn(z_dim)</c>).</summary>
    /// <param name="seeds">One seed per row.</param>
    public Tensor Latents(IReadOnlyList<uint> seeds) => SeedLatents.LatentsForSeeds(seeds, Generator.Config.ZDim);

    /// <summary>One-hot labels [count, c_dim] of one class, or null for an unconditional network; refuses a missing or out-of-range class.</summary>
    /// <param name="classIndex">The class, required for a conditional network and refused for an unconditional one.</param>
    /// <param name="count">Rows.</param>
    public Tensor? Labels(int? classIndex, long count)
    {
        int labelDim = Generator.Config.CDim;
        if (labelDim == 0)
        {
            if (classIndex is not null) throw new InvalidValueException("Class", "a class was given but the network is unconditional; leave it out.");
            return null;
        }
        if (classIndex is not int k || k < 0 || k >= labelDim)
            throw new InvalidValueException("Class", $"the network is conditional on {labelDim} classes: give a class between 0 and {labelDim - 1}.");
        return nn.functional.one_hot(full(new long[] { count }, k, dtype: ScalarType.Int64), labelDim).to(float32);
    }

    /// <summary>ws [N, num_ws, w_dim] of z and labels, truncated.</summary>
    /// <param name="z">[N, z_dim].</param>
    /// <param name="c">[N, c_dim], or null for an unconditional network.</param>
    /// <param name="truncation">The truncation trick (null: none).</param>
    public Tensor Map(Tensor z, Tensor? c, Truncation? truncation = null)
    {
        var trunc = Checked(truncation);
        return Batched(z.shape[0], (start, count) => MapRows(z, c, trunc, start, count));
    }

    /// <summary>ws of seeds, with one class for all of them.</summary>
    /// <param name="seeds">One seed per image.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation trick (null: none).</param>
    public Tensor MapSeeds(IReadOnlyList<uint> seeds, int? classIndex = null, Truncation? truncation = null) =>
        Map(Latents(seeds), Labels(classIndex, seeds.Count), truncation);

    /// <summary>Images [N, C, H, W] in [-1, 1] synthesized from ws.</summary>
    /// <param name="ws">[N, num_ws, w_dim].</param>
    /// <param name="noise">The per-pixel noise (null: each layer's stored noise).</param>
    /// <param name="observe">Called with each synthesis layer's output of each batch under the layer's name, while the tensor is alive (null: none).</param>
    public Tensor Synthesize(Tensor ws, NoiseSettings? noise = null, Action<string, Tensor>? observe = null)
    {
        var settings = Checked(noise);
        using var random = NoiseStream(settings);
        return Batched(ws.shape[0], (start, count) => SynthesizeRows(ws.narrow(0, start, count), settings, random, observe));
    }

    /// <summary>Images of z and labels: <see cref="Map"/> then <see cref="Synthesize"/>, one batch at a time.</summary>
    /// <param name="z">[N, z_dim].</param>
    /// <param name="c">[N, c_dim], or null for an unconditional network.</param>
    /// <param name="truncation">The truncation trick (null: none).</param>
    /// <param name="noise">The per-pixel noise (null: each layer's stored noise).</param>
    public Tensor Generate(Tensor z, Tensor? c, Truncation? truncation = null, NoiseSettings? noise = null)
    {
        var trunc = Checked(truncation);
        var settings = Checked(noise);
        using var random = NoiseStream(settings);
        return Batched(z.shape[0], (start, count) => SynthesizeRows(MapRows(z, c, trunc, start, count), settings, random));
    }

    /// <summary>Images of seeds, with one class for all of them.</summary>
    /// <param name="seeds">One seed per image.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">The truncation trick (null: none).</param>
    /// <param name="noise">The per-pixel noise (null: each layer's stored noise).</param>
    public Tensor GenerateSeeds(IReadOnlyList<uint> seeds, int? classIndex = null, Truncation? truncation = null, NoiseSettings? noise = null) =>
        Generate(Latents(seeds), Labels(classIndex, seeds.Count), truncation, noise);

    Truncation Checked(Truncation? truncation)
    {
        var trunc = truncation ?? Truncation.None;
        trunc.Check(NumWs);
        return trunc;
    }

    static NoiseSettings Checked(NoiseSettings? noise)
    {
        var settings = noise ?? NoiseSettings.Const;
        settings.Check();
        return settings;
    }

    Tensor MapRows(Tensor z, Tensor? c, Truncation truncation, long start, long count) =>
        Generator.Mapping.forward(z.narrow(0, start, count).to(Device), c?.narrow(0, start, count).to(Device), truncation.Psi, truncation.Cutoff);

    Tensor SynthesizeRows(Tensor ws, NoiseSettings noise, torch.Generator? random, Action<string, Tensor>? observe = null) =>
        Generator.Synthesis.forward(ws.to(Device), noise.Mode, noiseGenerator: random, noiseScale: noise.Strength, observe: observe);

    // One random stream for a whole call, so that its batches draw on from each other; none where no noise is drawn.
    torch.Generator? NoiseStream(NoiseSettings settings) => settings.Mode == NoiseMode.Random ? new torch.Generator(settings.Seed, Device) : null;

    // Runs a computation in batches of BatchSize rows, each in a dispose scope of its own, and gathers the results
    // on the CPU; without gradients, since sampling never needs them.
    Tensor Batched(long rows, Func<long, long, Tensor> compute)
    {
        if (rows == 0) throw new ArgumentException("Nothing to generate: zero rows.");
        TorchRuntime.ApplyThreads(); // the same sums whichever thread asks (a server's request, a command)
        var parts = new List<Tensor>();
        using var _ = no_grad();
        for (long start = 0; start < rows; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            parts.Add(compute(start, Math.Min(BatchSize, rows - start)).cpu().MoveToOuterDisposeScope());
        }
        if (parts.Count == 1) return parts[0];
        var all = cat(parts, 0);
        foreach (var part in parts) part.Dispose();
        return all;
    }
}
