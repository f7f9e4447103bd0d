using StyleGan.Configs;
using StyleGan.Ops;
using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>
/// Translates the state dicts of rosinality's stylegan2-pytorch (<c>model.py</c>: Generator, Discriminator) into the
/// official StyleGAN2-ADA names and configs. Both implement the same function (equalized lr with the same gains,
/// demodulation, the [1,3,3,1] filter, lrelu with gain sqrt 2, resnet blocks scaled by sqrt 0.5); only names, a few
/// shapes and the missing w_avg differ. Sizes come from the tensors' shapes.
/// </summary>
public static class RosinalityNames
{
    /// <summary>The official names and config of rosinality's generator state dict (w_avg is not part of it).</summary>
    /// <param name="g">rosinality's <c>g</c> or <c>g_ema</c> state dict.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static (GeneratorConfig Config, Dictionary<string, Tensor> Tensors) Generator(IReadOnlyDictionary<string, Tensor> g, string source)
    {
        var names = new NameMap(g, source);
        int styleDim = (int)names.Shape("style.1.weight")[0];
        int mappingLayers = Count(i => g.ContainsKey($"style.{i + 1}.weight"));
        int convCount = Count(i => g.ContainsKey($"convs.{i}.conv.weight"));
        int log2 = 2 + convCount / 2;
        int resolution = 1 << log2;
        int imgChannels = (int)names.Shape("to_rgb1.conv.weight")[1];

        var channels = new Dictionary<int, int> { [4] = (int)names.Shape("input.input")[1] };
        for (int i = 3; i <= log2; i++) channels[1 << i] = (int)names.Shape($"convs.{2 * (i - 3)}.conv.weight")[1];
        var (channelBase, channelMax) = FitChannelRule(channels, source);

        for (int i = 0; i < mappingLayers; i++)
        {
            names.Map($"style.{i + 1}.weight", $"mapping.fc{i}.weight");
            names.Map($"style.{i + 1}.bias", $"mapping.fc{i}.bias");
        }
        names.Map("input.input", "synthesis.b4.const", t => t.squeeze(0));
        StyledConv(names, "conv1", "synthesis.b4.conv1", "noises.noise_0");
        ToRgb(names, "to_rgb1", "synthesis.b4.torgb");
        for (int i = 3; i <= log2; i++)
        {
            string block = $"synthesis.b{1 << i}";
            int k = i - 3;
            StyledConv(names, $"convs.{2 * k}", $"{block}.conv0", $"noises.noise_{2 * k + 1}");
            StyledConv(names, $"convs.{2 * k + 1}", $"{block}.conv1", $"noises.noise_{2 * k + 2}");
            ToRgb(names, $"to_rgbs.{k}", $"{block}.torgb");
            names.CheckFilter($"to_rgbs.{k}.upsample.kernel", 4);
            names.CheckFilter($"convs.{2 * k}.conv.blur.kernel", 4);
        }
        names.ThrowOnLeftovers();

        var config = new GeneratorConfig
        {
            ZDim = styleDim, WDim = styleDim, ImgResolution = resolution, ImgChannels = imgChannels,
            MappingKwargs = new MappingConfig { NumLayers = mappingLayers, LrMultiplier = 0.01 },
            SynthesisKwargs = new SynthesisConfig { ChannelBase = channelBase, ChannelMax = channelMax, Architecture = Architecture.Skip },
        };
        return (config, names.Official);
    }

    /// <summary>The official names and config of rosinality's discriminator state dict.</summary>
    /// <param name="d">rosinality's <c>d</c> state dict.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static (DiscriminatorConfig Config, Dictionary<string, Tensor> Tensors) Discriminator(IReadOnlyDictionary<string, Tensor> d, string source)
    {
        var names = new NameMap(d, source);
        int blockCount = Count(i => d.ContainsKey($"convs.{i + 1}.conv1.0.weight"));
        int resolution = 4 << blockCount;
        int imgChannels = (int)names.Shape("convs.0.0.weight")[1];

        var channels = new Dictionary<int, int> { [4] = (int)names.Shape("final_conv.0.weight")[0] };
        for (int k = 0; k < blockCount; k++) channels[resolution >> k] = (int)names.Shape($"convs.{k + 1}.conv1.0.weight")[0];
        var (channelBase, channelMax) = FitChannelRule(channels, source);

        names.Map("convs.0.0.weight", $"b{resolution}.fromrgb.weight");
        names.Map("convs.0.1.bias", $"b{resolution}.fromrgb.bias");
        for (int k = 0; k < blockCount; k++)
        {
            string from = $"convs.{k + 1}", block = $"b{resolution >> k}";
            names.Map($"{from}.conv1.0.weight", $"{block}.conv0.weight");
            names.Map($"{from}.conv1.1.bias", $"{block}.conv0.bias");
            names.Map($"{from}.conv2.1.weight", $"{block}.conv1.weight");
            names.Map($"{from}.conv2.2.bias", $"{block}.conv1.bias");
            names.Map($"{from}.skip.1.weight", $"{block}.skip.weight");
            names.CheckFilter($"{from}.conv2.0.kernel", 1);
            names.CheckFilter($"{from}.skip.0.kernel", 1);
        }
        names.Map("final_conv.0.weight", "b4.conv.weight");
        names.Map("final_conv.1.bias", "b4.conv.bias");
        names.Map("final_linear.0.weight", "b4.fc.weight");
        names.Map("final_linear.0.bias", "b4.fc.bias");
        names.Map("final_linear.1.weight", "b4.out.weight");
        names.Map("final_linear.1.bias", "b4.out.bias");
        names.ThrowOnLeftovers();

        var config = new DiscriminatorConfig
        {
            ImgResolution = resolution, ImgChannels = imgChannels, Architecture = Architecture.Resnet,
            ChannelBase = channelBase, ChannelMax = channelMax,
            EpilogueKwargs = new EpilogueConfig { MbstdGroupSize = 4, MbstdNumChannels = 1 },
        };
        return (config, names.Official);
    }

    // rosinality's StyledConv: ModulatedConv2d (weight [1, out, in, k, k], modulation) + NoiseInjection + FusedLeakyReLU.
    static void StyledConv(NameMap names, string from, string to, string noise)
    {
        names.Map($"{from}.conv.weight", $"{to}.weight", t => t.squeeze(0));
        names.Map($"{from}.conv.modulation.weight", $"{to}.affine.weight");
        names.Map($"{from}.conv.modulation.bias", $"{to}.affine.bias");
        names.Map($"{from}.noise.weight", $"{to}.noise_strength", t => t.reshape());
        names.Map($"{from}.activate.bias", $"{to}.bias");
        names.Map(noise, $"{to}.noise_const", t => t.reshape(t.shape[^2], t.shape[^1]));
    }

    // rosinality's ToRGB: ModulatedConv2d without demodulation, bias [1, C, 1, 1].
    static void ToRgb(NameMap names, string from, string to)
    {
        names.Map($"{from}.conv.weight", $"{to}.weight", t => t.squeeze(0));
        names.Map($"{from}.conv.modulation.weight", $"{to}.affine.weight");
        names.Map($"{from}.conv.modulation.bias", $"{to}.affine.bias");
        names.Map($"{from}.bias", $"{to}.bias", t => t.flatten());
    }

    static int Count(Func<int, bool> exists)
    {
        int n = 0;
        while (exists(n)) n++;
        return n;
    }

    /// <summary>The (channel_base, channel_max) whose rule min(base / res, max) gives every resolution's channels.</summary>
    static (int Base, int Max) FitChannelRule(IReadOnlyDictionary<int, int> channels, string source)
    {
        int max = channels.Values.Max();
        var below = channels.Where(kv => kv.Value < max).ToList();
        int channelBase = below.Count > 0 ? below[0].Key * below[0].Value : max * channels.Keys.Max();
        if (channels.Any(kv => ChannelRule.Channels(channelBase, max, kv.Key) != kv.Value))
            throw new InvalidDataException($"{source}: the channel counts per resolution ({string.Join(", ", channels.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}) " +
                "do not follow min(channel_base / res, channel_max), which the official networks require.");
        return (channelBase, max);
    }

    /// <summary>Source tensors taken one by one under their official names; what is never taken is an error.</summary>
    sealed class NameMap(IReadOnlyDictionary<string, Tensor> source, string file)
    {
        readonly HashSet<string> left = source.Keys.ToHashSet();
        public Dictionary<string, Tensor> Official { get; } = new();

        public long[] Shape(string name) => Get(name).shape;

        public void Map(string from, string to, Func<Tensor, Tensor>? reshape = null)
        {
            var tensor = Get(from);
            Official[to] = reshape is null ? tensor : reshape(tensor);
            left.Remove(from);
        }

        /// <summary>rosinality keeps its blur kernels as buffers; they must be the official filter (times the up-sampling gain).</summary>
        public void CheckFilter(string name, double gain)
        {
            using var expected = Upfirdn2d.SetupFilter() * gain;
            var kernel = Get(name);
            if (!kernel.shape.SequenceEqual(expected.shape) || !kernel.to(float32).allclose(expected, rtol: 1e-6, atol: 1e-7))
                throw new InvalidDataException($"{file}: '{name}' is not the [1, 3, 3, 1] filter the official networks use; networks with other blur kernels cannot be converted.");
            left.Remove(name);
        }

        public void ThrowOnLeftovers()
        {
            if (left.Count > 0)
                throw new InvalidDataException($"{file}: tensors with no counterpart in the official network: {string.Join(", ", left.Order())}. " +
                    "Only rosinality's StyleGAN2 Generator/Discriminator (model.py) can be converted.");
        }

        Tensor Get(string name) => source.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"{file}: '{name}' is missing: this is not a state dict of rosinality's StyleGAN2 model.py (or it is incomplete).");
    }
}
