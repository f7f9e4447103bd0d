using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using TorchSharp;

namespace StyleGan.Tests;

/// <summary>
/// One network file of a reference set and the network built from it (the file's config, its "param." tensors),
/// both opened on first use, so that a test of an absent extra set is skipped rather than failed, and disposed with
/// the test class that holds them.
/// </summary>
/// <param name="set">The reference set.</param>
/// <param name="file">The file's name in the set, without ".safetensors".</param>
/// <param name="create">The network of a config (its JSON, and the set's name for messages).</param>
/// <param name="strict">Whether the file must hold every tensor of the network (false: fixed filters may be absent).</param>
public sealed class ReferenceNetwork<TNetwork>(ReferenceSet set, string file, Func<string, string, TNetwork> create, bool strict = true) : IDisposable
    where TNetwork : torch.nn.Module
{
    SafetensorsFile? reference;
    TNetwork? network;

    /// <summary>The set's file.</summary>
    public SafetensorsFile File => reference ??= set.Load(file);

    /// <summary>The network with the file's parameters, in eval mode.</summary>
    public TNetwork Network => network ??= Build();

    /// <summary>Another network built from the file, for a test that changes it (its dtype, its lod); the caller disposes it.</summary>
    public TNetwork Build()
    {
        var built = create(File.Metadata["config"], set.Name);
        StateDict.Load(built, File.Tensors, prefix: "param.", strict: strict);
        built.eval();
        return built;
    }

    public void Dispose()
    {
        network?.Dispose();
        reference?.Dispose();
    }
}

/// <summary>The reference networks of the sets: generators and discriminators built from the files' configs.</summary>
public static class ReferenceNetworks
{
    /// <param name="set">The reference set.</param>
    /// <param name="file">The generator's file in the set.</param>
    public static ReferenceNetwork<Generator> Generator(ReferenceSet set, string file) =>
        new(set, file, (json, source) => new Generator(GeneratorConfig.FromJson(json, source)));

    /// <param name="set">The reference set.</param>
    /// <param name="file">The discriminator's file in the set.</param>
    /// <param name="strict">Whether the file holds the fixed resampling filters too.</param>
    public static ReferenceNetwork<Discriminator> Discriminator(ReferenceSet set, string file, bool strict = true) =>
        new(set, file, (json, source) => new Discriminator(DiscriminatorConfig.FromJson(json, source)), strict);
}
