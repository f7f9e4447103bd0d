using System.Text.Json;
using StyleGan.Configs;
using StyleGan.Files;
using StyleGan.Formats;
using StyleGan.Networks;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>
/// Reads and writes every network file the tool knows. It reads by content, not name: our safetensors (an exported
/// network, or a training checkpoint, which adds training state to the same layout), NVIDIA's StyleGAN2-ADA
/// pickles, NVIDIA's TensorFlow-era pickles (StyleGAN, Progressive GAN, StyleGAN2) and rosinality's stylegan2-pytorch
/// checkpoints. It writes our safetensors: G, D and G_ema under the
/// official names with the prefixes "G.", "D.", "G_ema.", their configs in the metadata, atomically and with a checksum.
/// </summary>
public static class NetworkFile
{
    /// <summary>The format entry of an exported network.</summary>
    public const string NetworkFormat = "stylegan-dotnet-network/1";

    /// <summary>The format entry of a training checkpoint: a network file with training state beside it.</summary>
    public const string CheckpointFormat = "stylegan-dotnet-checkpoint/1";

    static readonly string[] Prefixes = ["G", "D", "G_ema"];

    /// <param name="path">The file.</param>
    /// <param name="parts">What to load: everything, or (to generate) only the sampler, which saves D's and G's memory and time.</param>
    public static NetworkSet Load(string path, NetworkParts parts = NetworkParts.All)
    {
        return Load(InputFile.OpenData(path, "Network file"), path, parts);
    }

    /// <summary>
    /// As <see cref="Load(string, NetworkParts)"/>, from a file already open: a reader that checked which file it
    /// opened (see <see cref="Files.ConfinedFiles"/>) loads that very file, whatever the path leads to meanwhile.
    /// </summary>
    /// <param name="stream">The open file, read from its start; disposed here.</param>
    /// <param name="path">Its path, for messages.</param>
    /// <param name="parts">What to load (see <see cref="Load(string, NetworkParts)"/>).</param>
    public static NetworkSet Load(FileStream stream, string path, NetworkParts parts = NetworkParts.All)
    {
        FileKind kind;
        try
        {
            kind = Sniff(stream, path);
            if (kind == FileKind.Unknown)
                throw new InvalidDataException($"{path} is not a network file this tool reads: expected our .safetensors, an NVIDIA StyleGAN2-ADA .pkl, " +
                    "an NVIDIA TensorFlow-era .pkl (StyleGAN, Progressive GAN, StyleGAN2) or a rosinality stylegan2-pytorch .pt.");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        var networks = kind == FileKind.Safetensors ? LoadSafetensors(stream, path, parts) : TorchNetworks.Load(stream, path, parts);
        try
        {
            CheckFinite(networks, path);
        }
        catch
        {
            networks.Dispose();
            throw;
        }
        return networks;
    }

    // NaN or infinite weights make black images without an error; they mean a diverged run or a damaged file.
    static void CheckFinite(NetworkSet networks, string path)
    {
        foreach (var (prefix, module) in Prefixes.Zip(new nn.Module?[] { networks.G, networks.D, networks.GEma }))
        {
            if (module is null) continue;
            foreach (var (name, tensor) in module.state_dict())
                if (tensor.is_floating_point() && !isfinite(tensor).all().item<bool>())
                    throw new InvalidDataException($"{path}: the tensor '{prefix}.{name}' holds NaN or infinite values: the network diverged or the file is damaged. " +
                        "Use an earlier snapshot.");
        }
    }

    /// <summary>Writes the networks of <paramref name="networks"/> (those present) as an exported network.</summary>
    public static void Save(string path, NetworkSet networks) =>
        Write(path, NetworkFormat, networks.G, networks.D, networks.GEma, [], new Dictionary<string, string> { ["source"] = networks.Format });

    /// <summary>Writes networks, and any state beside them, as one of our files.</summary>
    /// <param name="path">The file to write (replaced atomically).</param>
    /// <param name="format">NetworkFormat or CheckpointFormat.</param>
    /// <param name="g">The generator, or null.</param>
    /// <param name="d">The discriminator, or null.</param>
    /// <param name="gEma">The moving average of G, or null.</param>
    /// <param name="state">Further tensors, under names outside the networks' prefixes.</param>
    /// <param name="metadata">Further metadata entries.</param>
    public static void Write(string path, string format, Generator? g, Discriminator? d, Generator? gEma,
        IEnumerable<KeyValuePair<string, Tensor>> state, IReadOnlyDictionary<string, string> metadata)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (prefix, module) in Prefixes.Zip(new nn.Module?[] { g, d, gEma }))
            if (module is not null) tensors.AddRange(module.state_dict().Select(kv => KeyValuePair.Create($"{prefix}.{kv.Key}", kv.Value)));
        tensors.AddRange(state);
        var entries = new Dictionary<string, string>(metadata) { ["format"] = format };
        if ((gEma ?? g)?.Config is GeneratorConfig gConfig) entries["G_config"] = gConfig.ToJson();
        if (d is not null) entries["D_config"] = d.Config.ToJson();
        Safetensors.Save(path, tensors, entries);
    }

    /// <summary>The metadata of one of our files, read from its header alone: cheap, whatever the file's size.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        InputFile.Require(path, "Network file");
        var metadata = Safetensors.ReadMetadata(path);
        CheckFormat(metadata, path);
        return metadata;
    }

    /// <summary>A metadata entry that must be there.</summary>
    public static string Entry(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var value) ? value
            : throw new InvalidDataException($"{path} has no '{key}' entry: it is incomplete or from another tool.");

    /// <summary>A metadata entry that must be there, parsed from JSON.</summary>
    public static T Entry<T>(IReadOnlyDictionary<string, string> metadata, string key, string path)
    {
        try { return JsonSerializer.Deserialize<T>(Entry(metadata, key, path), NetworkJson.Options) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the '{key}' entry has {EntryProblem(e)}.", e); }
    }

    // Where the entry's JSON is wrong, and how: a value of the wrong kind is named by its key, not by a .NET type.
    static string EntryProblem(JsonException e) => e.Message.Contains("could not be converted", StringComparison.Ordinal) || e.Message.Contains("null", StringComparison.Ordinal)
        ? $"a value of the wrong kind{(string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at '{e.Path.TrimStart('$', '.')}'")}"
        : $"invalid JSON ({JsonText.Problem(e)})";

    static string CheckFormat(IReadOnlyDictionary<string, string> metadata, string path)
    {
        metadata.TryGetValue("format", out var format);
        if (format is not (NetworkFormat or CheckpointFormat))
            throw new InvalidDataException($"{path} is a safetensors file but not a network of this tool (format '{format ?? "none"}', expected '{NetworkFormat}' or '{CheckpointFormat}').");
        return format;
    }

    /// <summary>Whether a part is wanted, given which generators the file has (the sampler is G_ema, else G).</summary>
    internal static bool Wants(NetworkParts parts, NetworkParts part, bool fileHasGEma) =>
        parts.HasFlag(part) || parts.HasFlag(NetworkParts.Sampler) && part == (fileHasGEma ? NetworkParts.GEma : NetworkParts.G);

    // Each tensor is read from the file straight into its network: no copy of the file is held.
    static NetworkSet LoadSafetensors(FileStream stream, string path, NetworkParts parts)
    {
        long fileBytes = stream.Length;
        using var reader = SafetensorsReader.Open(stream, path);
        string format = CheckFormat(reader.Metadata, path);
        bool Has(string prefix) => reader.Entries.Keys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal));
        bool hasGEma = Has("G_ema");
        T? Build<T>(string prefix, NetworkParts part, Func<T> create) where T : nn.Module
        {
            if (!Has(prefix) || !Wants(parts, part, hasGEma)) return null;
            var module = create();
            try
            {
                StateDict.Load(module, reader.Entries.Keys, reader.ReadInto, prefix + ".", strict: true, origin: path);
            }
            catch
            {
                module.Dispose();
                throw;
            }
            module.eval();
            return module;
        }
        // G and G_ema share one config, read when the first of them is built.
        var gConfig = new Lazy<GeneratorConfig>(() => NetworkLimits.CheckFits(GeneratorConfig.FromJson(Entry(reader.Metadata, "G_config", path), path), fileBytes, path));
        Generator? g = null, gEma = null;
        Discriminator? d = null;
        var state = new Dictionary<string, Tensor>();
        try
        {
            g = Build("G", NetworkParts.G, () => new Generator(gConfig.Value));
            d = Build("D", NetworkParts.D, () => new Discriminator(
                NetworkLimits.CheckFits(DiscriminatorConfig.FromJson(Entry(reader.Metadata, "D_config", path), path), fileBytes, path)));
            gEma = Build("G_ema", NetworkParts.GEma, () => new Generator(gConfig.Value));
            if (parts.HasFlag(NetworkParts.TrainingState))
                foreach (var name in reader.Entries.Keys.Where(k => !Prefixes.Any(p => k.StartsWith(p + ".", StringComparison.Ordinal))))
                    state[name] = reader.Read(name);
        }
        catch
        {
            g?.Dispose();
            d?.Dispose();
            gEma?.Dispose();
            foreach (var tensor in state.Values) tensor.Dispose();
            throw;
        }
        return new NetworkSet
        {
            G = g, D = d, GEma = gEma,
            Format = format == NetworkFormat ? "exported network" : "training checkpoint",
            Metadata = reader.Metadata,
            State = state,
        };
    }

    /// <summary>Whether a file is a safetensors file (by its first bytes; a missing or truncated file raises the reader's error).</summary>
    public static bool IsSafetensors(string path)
    {
        using var stream = InputFile.OpenRead(path, "Network file");
        return Sniff(stream, path) == FileKind.Safetensors;
    }

    enum FileKind { Safetensors, Torch, Unknown }

    // safetensors: 8-byte header length, then the JSON header; zip (torch.save): "PK"; pickle protocol 2+: 0x80.
    static FileKind Sniff(FileStream stream, string path)
    {
        var head = new byte[9];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (length < head.Length) throw new InvalidDataException($"{path} holds only {length} bytes: it is truncated or empty, not a network.");
        if (head[8] == (byte)'{') return FileKind.Safetensors;
        if (head[0] == (byte)'P' && head[1] == (byte)'K') return FileKind.Torch;
        if (head[0] == 0x80) return FileKind.Torch;
        return FileKind.Unknown;
    }
}
