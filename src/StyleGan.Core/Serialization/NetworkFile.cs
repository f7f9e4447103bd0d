using StyleGan.Networks;
using StyleGan.Serialization.Import;
using StyleGan.Training;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>
/// Opens any network file the tool knows by its content, not its name: our safetensors (a training checkpoint or an
/// exported network), NVIDIA's StyleGAN2-ADA pickles, and rosinality's stylegan2-pytorch checkpoints; and writes the
/// exported network format, which holds G, D and G_ema under the official names with their configs.
/// </summary>
public static class NetworkFile
{
    public const string Format = "stylegan-dotnet-network/1";

    public static NetworkSet Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Network file {path} does not exist.", path);
        return Sniff(path) switch
        {
            FileKind.Safetensors => LoadSafetensors(path),
            FileKind.Torch => TorchNetworks.Load(path),
            _ => throw new InvalidDataException($"{path} is not a network file this tool reads: expected our .safetensors, an NVIDIA StyleGAN2-ADA .pkl " +
                "or a rosinality stylegan2-pytorch .pt (TensorFlow-era StyleGAN/StyleGAN2 .pkl files must first be converted with NVIDIA's legacy.py)."),
        };
    }

    /// <summary>Writes G, D and G_ema (those present) with their configs, atomically and with a checksum.</summary>
    public static void Save(string path, NetworkSet networks)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var metadata = new Dictionary<string, string> { ["format"] = Format, ["source"] = networks.Format };
        foreach (var (prefix, module) in new (string, nn.Module?)[] { ("G", networks.G), ("D", networks.D), ("G_ema", networks.GEma) })
            if (module is not null) tensors.AddRange(module.state_dict().Select(kv => KeyValuePair.Create($"{prefix}.{kv.Key}", kv.Value)));
        if ((networks.GEma ?? networks.G)?.Config is GeneratorConfig g) metadata["G_config"] = g.ToJson();
        if (networks.D is not null) metadata["D_config"] = networks.D.Config.ToJson();
        Safetensors.Save(path, tensors, metadata);
    }

    // Our own files: a training checkpoint and an exported network share the prefixes and config entries.
    static NetworkSet LoadSafetensors(string path)
    {
        using var file = Safetensors.Load(path);
        file.Metadata.TryGetValue("format", out var format);
        if (format is not (Format or Checkpoint.Format))
            throw new InvalidDataException($"{path} is a safetensors file but not a network of this tool (format '{format ?? "none"}', expected '{Format}' or '{Checkpoint.Format}').");
        bool Has(string prefix) => file.Tensors.Keys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal));
        Generator? LoadG(string prefix)
        {
            if (!Has(prefix)) return null;
            var g = new Generator(GeneratorConfig.FromJson(Entry(file, "G_config", path)));
            StateDict.Load(g, file.Tensors, prefix + ".");
            g.eval();
            return g;
        }
        Discriminator? d = null;
        if (Has("D"))
        {
            d = new Discriminator(DiscriminatorConfig.FromJson(Entry(file, "D_config", path)));
            StateDict.Load(d, file.Tensors, "D.");
            d.eval();
        }
        return new NetworkSet
        {
            G = LoadG("G"), D = d, GEma = LoadG("G_ema"),
            Format = format == Format ? "exported network" : "training checkpoint",
            Counters = format == Checkpoint.Format ? Checkpoint.Counters(file) : null,
        };
    }

    static string Entry(SafetensorsFile file, string key, string path) => file.Metadata.TryGetValue(key, out var value) ? value
        : throw new InvalidDataException($"{path} has no '{key}' entry: it is incomplete or from another tool.");

    enum FileKind { Safetensors, Torch, Unknown }

    // safetensors: 8-byte header length, then the JSON header; zip (torch.save): "PK"; pickle protocol 2+: 0x80.
    static FileKind Sniff(string path)
    {
        var head = new byte[9];
        int length;
        using (var stream = File.OpenRead(path)) length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (length < head.Length) throw new InvalidDataException($"{path} holds only {length} bytes: it is truncated or empty, not a network.");
        if (head[8] == (byte)'{') return FileKind.Safetensors;
        if (head[0] == (byte)'P' && head[1] == (byte)'K') return FileKind.Torch;
        if (head[0] == 0x80) return FileKind.Torch;
        return FileKind.Unknown;
    }
}
