using static TorchSharp.torch;

namespace StyleGan.Serialization;

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
    public static LoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string prefix = "", bool strict = true, string origin = "the file")
    {
        var target = module.state_dict();
        var missing = new List<string>();
        using (no_grad())
        {
            foreach (var (name, tensor) in target)
            {
                if (!source.TryGetValue(prefix + name, out var value)) { missing.Add(name); continue; }
                if (!value.shape.SequenceEqual(tensor.shape))
                    throw new InvalidDataException($"Tensor '{prefix}{name}' has shape [{string.Join(", ", value.shape)}] in {origin} but [{string.Join(", ", tensor.shape)}] in the network: {origin} was made for another configuration.");
                tensor.copy_(value);
            }
        }
        var unexpected = source.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..]).Where(k => !target.ContainsKey(k)).ToList();
        var report = new LoadReport(missing, unexpected);
        if (strict && !report.IsComplete)
            throw new InvalidDataException($"The tensors under '{prefix}' in {origin} do not match the network: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
        return report;
    }
}
