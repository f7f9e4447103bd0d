using StyleGan.Configs;
using StyleGan.Networks;
using StyleGan.Formats.Pickle;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>
/// The networks NVIDIA published with its TensorFlow code, read as data: a pickled tuple (G, D, Gs) of StyleGAN's
/// (<c>karras2019stylegan-*.pkl</c>), Progressive GAN's (<c>karras2018iclr-*.pkl</c>) or StyleGAN2's
/// (<c>stylegan2-*-config-*.pkl</c>) networks. Gs, the moving average, becomes G_ema. The Python source in each
/// network is kept as text and never run; a kwarg we do not build is refused by name.
/// </summary>
internal static class TensorFlowNetworks
{
    /// <summary>Whether a loaded pickle value is such a tuple.</summary>
    public static bool Matches(object? value) => value is PyTuple { Count: 3 } tuple && tuple.All(TensorFlowNetwork.Is);

    /// <param name="networks">The (G, D, Gs) tuple.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="parts">The networks to build.</param>
    /// <param name="fileBytes">The file's size, which bounds the networks it may describe.</param>
    public static NetworkSet FromTuple(PyTuple networks, string path, NetworkParts parts, long fileBytes)
    {
        var g = TensorFlowNetwork.Read(networks[0], $"{path}: G");
        var family = g.BuildFunction switch
        {
            "G_style" => Family.StyleGan,
            "G_paper" => Family.ProGan,
            "G_main" => Family.StyleGan2,
            _ => throw new InvalidDataException($"{path}: its G is built by {g.BuildFunction}, which this implementation does not build " +
                "(it reads StyleGAN's G_style, Progressive GAN's G_paper and StyleGAN2's G_main)."),
        };
        var notes = new List<string>
        {
            $"TensorFlow network pickle, version {g.Version}: read as data; the network code it carries was not run.",
        };
        if (family == Family.ProGan) notes.Add("w_avg (the truncation centre): Progressive GAN keeps none, so truncation pulls z towards 0.");
        Generator? gNet = null, gEma = null;
        Discriminator? d = null;
        try
        {
            if (NetworkFile.Wants(parts, NetworkParts.G, fileHasGEma: true)) gNet = BuildGenerator(g, family, $"{path}: G", fileBytes);
            if (NetworkFile.Wants(parts, NetworkParts.GEma, fileHasGEma: true))
                gEma = BuildGenerator(TensorFlowNetwork.Read(networks[2], $"{path}: Gs"), family, $"{path}: Gs", fileBytes);
            if (parts.HasFlag(NetworkParts.D)) d = BuildDiscriminator(TensorFlowNetwork.Read(networks[1], $"{path}: D"), family, $"{path}: D", fileBytes);
        }
        catch
        {
            gNet?.Dispose();
            gEma?.Dispose();
            d?.Dispose();
            throw;
        }
        return new NetworkSet
        {
            G = gNet,
            D = d,
            GEma = gEma,
            Format = family switch
            {
                Family.StyleGan => "NVIDIA StyleGAN (2019) TensorFlow pickle",
                Family.ProGan => "NVIDIA Progressive GAN TensorFlow pickle",
                _ => "NVIDIA StyleGAN2 TensorFlow pickle",
            },
            Notes = notes,
        };
    }

    enum Family { StyleGan, ProGan, StyleGan2 }

    static Generator BuildGenerator(TensorFlowNetwork network, Family family, string what, long fileBytes)
    {
        var (config, tensors) = family == Family.StyleGan2 ? StyleGan2TensorFlowNames.Generator(network, what) : StyleGan1TensorFlowNames.Generator(network, what);
        var generator = new Generator(NetworkLimits.CheckFits(NetworkLimits.Check(config, what), fileBytes, what));
        try
        {
            using var scope = NewDisposeScope();
            TorchNetworks.Fill(generator, tensors(), what, name => IsConstant(name) || family == Family.ProGan && name == "mapping.w_avg");
        }
        catch
        {
            generator.Dispose();
            throw;
        }
        return generator;
    }

    static Discriminator BuildDiscriminator(TensorFlowNetwork network, Family family, string what, long fileBytes)
    {
        string expected = family switch { Family.StyleGan => "D_basic", Family.ProGan => "D_paper", _ => "D_stylegan2" };
        if (network.BuildFunction != expected)
            throw new InvalidDataException($"{what} is built by {network.BuildFunction}, which this implementation does not build (with this G it builds {expected}).");
        var (config, tensors) = family == Family.StyleGan2 ? StyleGan2TensorFlowNames.Discriminator(network, what) : StyleGan1TensorFlowNames.Discriminator(network, what);
        var discriminator = new Discriminator(NetworkLimits.CheckFits(NetworkLimits.Check(config, what), fileBytes, what));
        try
        {
            using var scope = NewDisposeScope();
            TorchNetworks.Fill(discriminator, tensors(), what, IsConstant);
        }
        catch
        {
            discriminator.Dispose();
            throw;
        }
        return discriminator;
    }

    // Fixed filters of the architecture, which the TF networks build as constants rather than variables.
    static bool IsConstant(string name) => name.EndsWith("resample_filter", StringComparison.Ordinal);
}
