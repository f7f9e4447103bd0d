using System.Text.Json.Nodes;
using StyleGan.Augment;
using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using StyleGan.Formats.Pickle;
using TorchSharp;
using static TorchSharp.torch;
using Generator = StyleGan.Networks.Generator;

namespace StyleGan.Serialization;

/// <summary>
/// Networks from PyTorch files, read as data (never executed): NVIDIA's StyleGAN2-ADA snapshots
/// (<c>network-snapshot-*.pkl</c>: persistent G, D, G_ema with their constructor arguments) and rosinality's
/// stylegan2-pytorch checkpoints (torch.save of the g, d, g_ema state dicts).
/// </summary>
public static class TorchNetworks
{
    /// <summary>Images drawn to estimate w_avg for files that do not store it (rosinality's mean_latent uses 4096).</summary>
    public const int WAvgSamples = 10000;

    /// <param name="path">The file.</param>
    /// <param name="parts">The networks to build (see NetworkParts); the others are read as data and dropped.</param>
    public static NetworkSet Load(string path, NetworkParts parts = NetworkParts.All)
    {
        return Load(Files.InputFile.OpenData(path, "PyTorch file"), path, parts);
    }

    /// <summary>As <see cref="Load(string, NetworkParts)"/>, from a file already open (read from its start; disposed here).</summary>
    /// <param name="stream">The open file.</param>
    /// <param name="path">Its path, for messages.</param>
    /// <param name="parts">The networks to build.</param>
    public static NetworkSet Load(FileStream stream, string path, NetworkParts parts = NetworkParts.All)
    {
        long fileBytes = stream.Length;
        return TorchFile.Load(stream, path, value => FromFile(value, path, parts, fileBytes));
    }

    static NetworkSet FromFile(object? value, string path, NetworkParts parts, long fileBytes)
    {
        if (TensorFlowNetworks.Matches(value)) return TensorFlowNetworks.FromTuple((PyTuple)value!, path, parts, fileBytes);
        if (value is not PyDict top)
            throw new InvalidDataException($"{path} holds no dictionary of networks: it is neither an NVIDIA StyleGAN2-ADA snapshot, nor a TensorFlow-era " +
                "(G, D, Gs) pickle, nor a rosinality checkpoint.");
        if (top.ContainsKey("G_ema") || top.ContainsKey("G")) return FromNvidia(top, path, parts, fileBytes);
        if (top.ContainsKey("g_ema") || top.ContainsKey("g")) return FromRosinality(top, path, parts);
        throw new InvalidDataException($"{path} holds the entries [{string.Join(", ", top.Keys)}] but no G/G_ema (NVIDIA) or g/g_ema (rosinality) network.");
    }

    static NetworkSet FromNvidia(PyDict top, string path, NetworkParts parts, long fileBytes)
    {
        var notes = new List<string>();
        bool hasGEma = top.GetValueOrDefault("G_ema") is not null;
        Generator? LoadG(string name, NetworkParts part) =>
            top.GetValueOrDefault(name) is { } g && NetworkFile.Wants(parts, part, hasGEma) ? NvidiaGenerator(g, $"{path}: {name}", fileBytes) : null;
        var set = new NetworkSet
        {
            G = LoadG("G", NetworkParts.G),
            GEma = LoadG("G_ema", NetworkParts.GEma),
            D = top.GetValueOrDefault("D") is { } d && parts.HasFlag(NetworkParts.D) ? NvidiaDiscriminator(d, $"{path}: D", notes, fileBytes) : null,
            Augment = top.GetValueOrDefault("augment_pipe") is { } pipe && parts.HasFlag(NetworkParts.D) ? NvidiaAugmentPipe(pipe, $"{path}: augment_pipe") : null,
            Format = "NVIDIA StyleGAN2-ADA pickle",
            Notes = notes,
        };
        foreach (var key in top.Keys.Where(k => k is not ("G" or "D" or "G_ema")))
            notes.Add(key switch
            {
                "augment_pipe" when top[key] is null => "augment_pipe: none in the file.",
                "augment_pipe" when set.Augment is { } augment => $"augment_pipe: p = {augment.P:G4}, kept when training starts from this file.",
                "augment_pipe" => "augment_pipe: not loaded (only D's users need it).",
                "training_set_kwargs" when top[key] is PyDict kwargs =>
                    $"training_set_kwargs (not needed to generate): {string.Join(", ", kwargs.Select(kv => $"{kv.Key} = {PyValue.Describe(kv.Value)}"))}.",
                _ => $"{key}: not loaded.",
            });
        return set;
    }

    static Generator NvidiaGenerator(object value, string what, long fileBytes)
    {
        var module = Persistent(value, "Generator", what);
        var tensors = TorchModules.StateDict(module);
        var kwargs = InitKwargs(module, what);
        bool aliasFree = tensors.Keys.Any(k => k.StartsWith("synthesis.input.", StringComparison.Ordinal));
        if (aliasFree) kwargs = AliasFreeKwargs(kwargs);
        var generator = new Generator(NetworkLimits.CheckFits(GeneratorConfig.FromJson(kwargs.ToJsonString(), what), fileBytes, what));
        if (aliasFree) CheckFilters(generator, tensors, what);
        Fill(generator, tensors, what);
        return generator;
    }

    // StyleGAN3's Generator takes its synthesis arguments as keyword arguments of its own (networks_stylegan3.py's
    // **synthesis_kwargs): ours hold them under synthesis_kwargs, with the Fourier input that makes the network
    // StyleGAN3's and NVIDIA's defaults where ours differ (conv_clamp 256, w_avg_beta 0.998). An argument we do not
    // build (first_cutoff, filter_size, ...) stays unknown to our config, which refuses it by name.
    static JsonObject AliasFreeKwargs(JsonObject kwargs)
    {
        var synthesis = new JsonObject { ["input"] = "fourier", ["architecture"] = "orig", ["conv_clamp"] = 256 };
        foreach (var (name, value) in kwargs.ToList())
        {
            if (name is "z_dim" or "c_dim" or "w_dim" or "img_resolution" or "img_channels" or "mapping_kwargs") continue;
            kwargs.Remove(name);
            synthesis[name] = value;
        }
        kwargs["synthesis_kwargs"] = synthesis;
        var mapping = kwargs["mapping_kwargs"] as JsonObject ?? [];
        kwargs["mapping_kwargs"] = mapping;
        if (mapping["w_avg_beta"] is null) mapping["w_avg_beta"] = 0.998;
        return kwargs;
    }

    // The filters are designed from the arguments, as NVIDIA's layers design them; a pickle whose buffers differ was
    // made by other code, and its images would not be the ones its arguments promise.
    static void CheckFilters(Generator generator, Dictionary<string, Tensor> tensors, string what)
    {
        foreach (var (name, designed) in generator.named_buffers().Where(b => b.name.EndsWith("_filter", StringComparison.Ordinal)))
            if (tensors.GetValueOrDefault(name) is { } pickled && (!pickled.shape.SequenceEqual(designed.shape)
                || (pickled.to(float64) - designed.to(float64)).abs().max().item<double>() > 1e-6 * designed.abs().max().item<float>()))
                throw new InvalidDataException($"{what}: its {name} is not the filter its arguments design; the file was not made by NVIDIA's StyleGAN3 code.");
    }

    static Discriminator NvidiaDiscriminator(object value, string what, List<string> notes, long fileBytes)
    {
        var module = Persistent(value, "Discriminator", what);
        var kwargs = InitKwargs(module, what);
        // block_kwargs holds per-block options of the official code; ours are the defaults, except Freeze-D's
        // freeze_layers, which only made some weights buffers (they load as any others).
        if (kwargs["block_kwargs"] is JsonObject blockKwargs)
        {
            if (blockKwargs["freeze_layers"] is { } frozen)
            {
                notes.Add($"D was trained with Freeze-D (freeze_layers {frozen.ToJsonString()}); training from this file freezes what --freezed says.");
                blockKwargs.Remove("freeze_layers");
            }
            if (blockKwargs.Count > 0) throw new InvalidDataException($"{what} was built with block_kwargs {blockKwargs.ToJsonString()}, which this implementation does not support.");
            kwargs.Remove("block_kwargs");
        }
        var discriminator = new Discriminator(NetworkLimits.CheckFits(DiscriminatorConfig.FromJson(kwargs.ToJsonString(), what), fileBytes, what));
        Fill(discriminator, TorchModules.StateDict(module), what);
        return discriminator;
    }

    // The pipeline's constructor arguments are our AugmentConfig under the same names; its p is a buffer.
    static AugmentPipe NvidiaAugmentPipe(object value, string what)
    {
        var module = Persistent(value, "AugmentPipe", what);
        var config = NetworkJson.Parse<AugmentConfig>(InitKwargs(module, what).ToJsonString(), what);
        var tensors = TorchModules.StateDict(module);
        if (!tensors.TryGetValue("p", out var p) || p.numel() != 1)
            throw new InvalidDataException($"{what} has no scalar buffer 'p', the augmentation probability.");
        float probability = p.to(float32).item<float>();
        if (!float.IsFinite(probability) || probability < 0)
            throw new InvalidDataException($"{what}: its p is {probability}, not a probability.");
        return new AugmentPipe(config, probability);
    }

    static PersistentObject Persistent(object value, string className, string what) =>
        value is PersistentObject { ClassName: var name } module && name == className ? module
            : throw new InvalidDataException($"{what} is not NVIDIA's persistent {className} (found {PyValue.Describe(value)}).");

    // The constructor arguments the official code recorded, as the JSON our configs read; arguments our networks
    // lack fail there, naming the argument.
    static JsonObject InitKwargs(PersistentObject module, string what)
    {
        if (module.State.GetValueOrDefault("_init_args") is PyTuple { Count: > 0 })
            throw new InvalidDataException($"{what} was constructed with positional arguments, which the official training code never does.");
        if (module.State.GetValueOrDefault("_init_kwargs") is not PyDict kwargs)
            throw new InvalidDataException($"{what} carries no _init_kwargs: it is not a network of NVIDIA's StyleGAN2-ADA code.");
        var json = (JsonObject)ToJson(kwargs)!;
        DropIfDefault(json["synthesis_kwargs"] as JsonObject, what);
        return json;
    }

    // Official arguments that change nothing in our networks when they hold these values.
    static void DropIfDefault(JsonObject? kwargs, string what)
    {
        if (kwargs is null) return;
        foreach (var (name, accepted) in new (string, string[])[] {
            ("resample_filter", ["[1,3,3,1]"]), ("use_noise", ["true"]), ("fp16_channels_last", ["true", "false"]),
            ("fused_modconv_default", ["true", "false", "\"inference_only\""]) })
        {
            if (kwargs[name] is not { } value) continue;
            if (!accepted.Contains(value.ToJsonString()))
                throw new InvalidDataException($"{what} was built with synthesis_kwargs.{name} = {value.ToJsonString()}, which this implementation does not support.");
            kwargs.Remove(name);
        }
    }

    static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        PyDict dict => new JsonObject(dict.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, ToJson(kv.Value)))),
        IEnumerable<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        _ => throw new InvalidDataException($"A constructor argument has a value of type {PyValue.Describe(value)}, which a network config cannot hold."),
    };

    /// <summary>Loads every tensor by its official name; only names <paramref name="mayBeAbsent"/> allows may be missing.</summary>
    internal static void Fill(nn.Module network, Dictionary<string, Tensor> tensors, string what, Func<string, bool>? mayBeAbsent = null)
    {
        LoadReport report;
        try { report = StateDict.Load(network, tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(float32)), strict: false); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{what}: {e.Message}", e); }
        var missing = report.Missing.Where(n => mayBeAbsent is null || !mayBeAbsent(n)).ToList();
        if (missing.Count > 0 || report.Unexpected.Count > 0)
            throw new InvalidDataException($"{what} does not fill our network: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", report.Unexpected)}].");
        network.eval();
    }

    // rosinality keeps no resample filters (they are constants of the architecture) and no w_avg.
    static bool RosinalityLacks(string name) => name.EndsWith("resample_filter", StringComparison.Ordinal) || name == "mapping.w_avg";

    static NetworkSet FromRosinality(PyDict top, string path, NetworkParts parts)
    {
        var notes = new List<string>();
        bool hasGEma = top.GetValueOrDefault("g_ema") is not null;
        Generator? LoadG(string name, NetworkParts part)
        {
            if (top.GetValueOrDefault(name) is not { } value || !NetworkFile.Wants(parts, part, hasGEma)) return null;
            var (config, tensors) = RosinalityNames.Generator(TorchModules.TensorDict(value, $"{path}: {name}"), $"{path}: {name}");
            var generator = new Generator(config);
            Fill(generator, tensors, $"{path}: {name}", RosinalityLacks);
            SetWAvg(generator, top.GetValueOrDefault("latent_avg") as Tensor, name, notes);
            return generator;
        }
        Discriminator? d = null;
        if (top.GetValueOrDefault("d") is { } dValue && parts.HasFlag(NetworkParts.D))
        {
            var (config, tensors) = RosinalityNames.Discriminator(TorchModules.TensorDict(dValue, $"{path}: d"), $"{path}: d");
            d = new Discriminator(config);
            Fill(d, tensors, $"{path}: d", RosinalityLacks);
        }
        var set = new NetworkSet { G = LoadG("g", NetworkParts.G), D = d, GEma = LoadG("g_ema", NetworkParts.GEma), Format = "rosinality stylegan2-pytorch checkpoint", Notes = notes };
        foreach (var key in top.Keys.Where(k => k is not ("g" or "d" or "g_ema" or "latent_avg")))
            notes.Add($"{key}: not loaded.");
        return set;
    }

    static void SetWAvg(Generator generator, Tensor? latentAvg, string name, List<string> notes)
    {
        using var _ = no_grad();
        if (latentAvg is not null)
        {
            generator.Mapping.WAvg.copy_(latentAvg.reshape(-1).to(float32));
            notes.Add($"{name}: w_avg (the truncation centre) from the file's latent_avg.");
            return;
        }
        using var scope = NewDisposeScope();
        using var random = new torch.Generator(0);
        var z = randn(new long[] { WAvgSamples, generator.Config.ZDim }, generator: random);
        generator.Mapping.WAvg.copy_(generator.Mapping.forward(z, null, skipWAvgUpdate: true).select(1, 0).mean(new long[] { 0 }));
        notes.Add($"{name}: w_avg (the truncation centre) estimated as the mean w of {WAvgSamples} random z, as rosinality's mean_latent does (the file stores none).");
    }
}
