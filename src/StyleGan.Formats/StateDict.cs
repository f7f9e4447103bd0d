using static TorchSharp.torch;

namespace StyleGan.Formats;

/// <summary>What a state-dict load did: names the module has that the source lacked, and names the source had that the module lacks.</summary>
public sealed record LoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0;
}

/// <summary>Copies named tensors into a module's parameters and buffers (official names, no translation).</summary>
public static class StateDict
{
    /// <param name="module">The network to fill.</param>
    /// <param name="source">Tensors by state-dict name.</param>
    /// <param name="prefix">Prefix of the module's names in <paramref name="source"/> (e.g. "param."), or "".</param>
    /// <param name="strict">Throw when a name is missing on either side.</param>
    /// <param name="origin">Where the tensors come from (a file), for messages.</param>
    public static LoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string prefix = "", bool strict = true, string origin = "the file") =>
        Load(module, source.Keys, (name, target) =>
        {
            var value = source[name];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(", ", value.shape)}] in {origin} but [{string.Join(", ", target.shape)}] in the network: {origin} was made for another configuration.");
            target.copy_(value);
        }, prefix, strict, origin);

    /// <summary>Fills a module from any source of named tensors: <paramref name="read"/> copies one into its target.</summary>
    /// <param name="module">The network to fill.</param>
    /// <param name="names">Every tensor name the source has.</param>
    /// <param name="read">Copies the source's tensor of a name into the module's tensor (and checks its shape).</param>
    /// <param name="prefix">Prefix of the module's names in the source, or "".</param>
    /// <param name="strict">Throw, before anything is read, when a name is missing on either side.</param>
    /// <param name="origin">Where the tensors come from (a file), for messages.</param>
    public static LoadReport Load(nn.Module module, IEnumerable<string> names, Action<string, Tensor> read, string prefix, bool strict, string origin)
    {
        var target = module.state_dict();
        var available = names.ToHashSet();
        var missing = target.Keys.Where(name => !available.Contains(prefix + name)).ToList();
        var unexpected = available.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..]).Where(k => !target.ContainsKey(k)).ToList();
        var report = new LoadReport(missing, unexpected);
        if (strict && !report.IsComplete)
            throw new InvalidDataException($"The tensors under '{prefix}' in {origin} do not match the network: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
        using (no_grad())
        {
            foreach (var (name, tensor) in target)
                if (available.Contains(prefix + name)) read(prefix + name, tensor);
        }
        return report;
    }
}
