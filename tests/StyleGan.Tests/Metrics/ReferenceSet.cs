using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StyleGan.Tests.Metrics;

/// <summary>A folder of reference outputs made by a fixture script: the narrow one of the repository, or a full-size one an environment variable names.</summary>
/// <param name="Name">What the set is, for messages.</param>
/// <param name="Directory">Its folder, or null where the environment names none.</param>
/// <param name="Required">A set of the repository: a missing file fails the test instead of skipping it.</param>
public sealed record ReferenceSet(string Name, string? Directory, bool Required)
{
    /// <summary>The repository's set in tests/fixtures/<paramref name="fixture"/>.</summary>
    public static ReferenceSet InRepository(string fixture) => new($"tests/fixtures/{fixture}", ReferenceData.Fixture(fixture), Required: true);

    /// <summary>The set the environment variable names (make_fixtures.py --full DIR), if any.</summary>
    public static ReferenceSet FromEnvironment(string variable) =>
        new($"${variable}", Environment.GetEnvironmentVariable(variable) is { Length: > 0 } folder ? folder : null, Required: false);

    /// <summary>The path of a file of the set, or a skip where an extra set is not here.</summary>
    public string File(string name)
    {
        Skip.If(Directory is null, $"{Name} is not set: no full-size set to test (make one with make_fixtures.py --full DIR).");
        var path = Path.Combine(Directory!, name);
        if (Required) Assert.True(System.IO.File.Exists(path), $"Fixture file {path} of the repository is missing.");
        else Skip.IfNot(System.IO.File.Exists(path), $"{path} is absent: {Name} names no complete set.");
        return path;
    }

    /// <summary>max |ours - reference| &lt;= tolerance * max(max |reference|, <paramref name="floor"/>), logged with the tolerance so
    /// that a passing run says how close it was. A floor of 1 makes the tolerance absolute for references below 1, as <see cref="Close.Assert"/>.</summary>
    public void Check(ITestOutputHelper output, Tensor reference, Tensor actual, string what, double tolerance, double floor = 0)
    {
        Assert.True(reference.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] differs from the reference [{string.Join(", ", reference.shape)}].");
        using var r = reference.detach().to(float64);
        using var a = actual.detach().to(float64);
        double largest = r.abs().max().item<double>();
        double scale = Math.Max(largest, floor);
        string of = scale > largest ? $"the floor {scale:G4} (max |reference| {largest:G4})" : $"max |reference| {scale:G4}";
        double error = (r - a).abs().max().item<double>();
        output.WriteLine($"{Name} {what}: max error {error:E2}, {error / scale:E2} of {of} (tolerance {tolerance:E2})");
        Assert.True(scale > 0, $"{what}: the reference is all zeros.");
        Assert.True(error <= tolerance * scale, $"{what}: max error {error:E3} exceeds {tolerance:E2} of {of}.");
    }
}
