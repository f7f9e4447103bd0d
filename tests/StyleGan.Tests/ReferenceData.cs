using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>
/// A folder of reference vectors: made by NVIDIA's official StyleGAN2-ADA code (ops, generator, discriminator, loss),
/// or for the 2019 family by genforce's port of NVIDIA's StyleGAN and Progressive GAN (a generator and a discriminator
/// per config). The sets in the repository must be there; the extra sets are tested when present and skipped otherwise.
/// </summary>
/// <param name="Name">What the set is, for skip messages.</param>
/// <param name="Directory">Its folder, or null where the environment names none.</param>
/// <param name="Required">A set of the repository: a missing file fails the test instead of skipping it.</param>
public sealed record ReferenceSet(string Name, string? Directory, bool Required)
{
    /// <summary>The default set, unconditional 32x32 (tests/fixtures/reference).</summary>
    public static ReferenceSet InRepository => new("tests/fixtures/reference", ReferenceData.Fixture("reference"), Required: true);

    /// <summary>A conditional 64x64 set with three mapping layers (tests/fixtures/reference-conditional64).</summary>
    public static ReferenceSet Conditional64 => new("tests/fixtures/reference-conditional64", ReferenceData.Fixture("reference-conditional64"), Required: true);

    /// <summary>../shared/reference beside the repository.</summary>
    public static ReferenceSet Shared => new("../shared/reference", Path.Combine(ReferenceData.RepositoryRoot.Parent!.FullName, "shared", "reference"), Required: false);

    /// <summary>The folder named by STYLEGAN_REFERENCE_DIR.</summary>
    public static ReferenceSet FromEnvironment
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("STYLEGAN_REFERENCE_DIR");
            return new("$STYLEGAN_REFERENCE_DIR", string.IsNullOrEmpty(directory) ? null : directory, Required: false);
        }
    }

    /// <summary>The 2019 family's set, configs sg1-a, sg1-c and sg1-f at 32x32 (tests/fixtures/reference-sg1).</summary>
    public static ReferenceSet StyleGan1InRepository => new("tests/fixtures/reference-sg1", ReferenceData.Fixture("reference-sg1"), Required: true);

    /// <summary>Another set of the 2019 family's form, in the folder named by STYLEGAN_SG1_REFERENCE_DIR.</summary>
    public static ReferenceSet StyleGan1FromEnvironment
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("STYLEGAN_SG1_REFERENCE_DIR");
            return new("$STYLEGAN_SG1_REFERENCE_DIR", string.IsNullOrEmpty(directory) ? null : directory, Required: false);
        }
    }

    /// <summary>Opens the set's <paramref name="name"/>.safetensors, or skips the calling test where an extra set lacks it.</summary>
    public SafetensorsFile Load(string name)
    {
        Skip.If(Directory is null, $"{Name} is not set: no extra reference set to test.");
        var path = Path.Combine(Directory!, name + ".safetensors");
        if (Required) Assert.True(File.Exists(path), $"Reference file {path} of the repository is missing.");
        else Skip.IfNot(File.Exists(path), $"{path} is absent: the {Name} set is not here, or has no {name} file.");
        return Safetensors.Load(path);
    }
}

/// <summary>Paths of the repository's data and fixtures, and helpers for reference files.</summary>
public static class ReferenceData
{
    /// <summary>A file of the bundled data (data/ in the repository).</summary>
    public static string Bundled(string name) => Path.Combine(RepositoryRoot.FullName, "data", name);

    /// <summary>A folder under tests/fixtures.</summary>
    public static string Fixture(string name) => Path.Combine(RepositoryRoot.FullName, "tests", "fixtures", name);

    public static DirectoryInfo RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "StyleGan.slnx"))) return dir;
            throw new DirectoryNotFoundException("Cannot find the repository root (StyleGan.slnx) above the test assembly.");
        }
    }

    /// <summary>A fixture file of the repository, which must exist.</summary>
    public static SafetensorsFile Load(string directory, string name)
    {
        var path = Path.Combine(directory, name + ".safetensors");
        Assert.True(File.Exists(path), $"Fixture file {path} is missing.");
        return Safetensors.Load(path);
    }

    /// <summary>The file's tensors whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    public static Dictionary<string, Tensor> WithPrefix(SafetensorsFile file, string prefix) =>
        file.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
