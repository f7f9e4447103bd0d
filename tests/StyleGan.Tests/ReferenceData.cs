using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Tests;

/// <summary>
/// The official StyleGAN2-ADA reference vectors (../shared/reference beside the repository, or the folder named by
/// STYLEGAN_REFERENCE_DIR). Sizes always come from the files' metadata, never from the tests.
/// </summary>
public static class ReferenceData
{
    public static string Directory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("STYLEGAN_REFERENCE_DIR");
            return string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(RepositoryRoot.Parent!.FullName, "shared", "reference") : fromEnvironment;
        }
    }

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
            throw new DirectoryNotFoundException("Cannot find the repository root (StyleGan.slnx); set STYLEGAN_REFERENCE_DIR.");
        }
    }

    public static SafetensorsFile Load(string name) => Load(Directory, name);

    public static SafetensorsFile Load(string directory, string name)
    {
        var path = Path.Combine(directory, name + ".safetensors");
        Assert.True(File.Exists(path), $"Reference file {path} is missing; set STYLEGAN_REFERENCE_DIR to the folder holding it.");
        return Safetensors.Load(path);
    }

    /// <summary>The file's tensors whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    public static Dictionary<string, Tensor> WithPrefix(SafetensorsFile file, string prefix) =>
        file.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
