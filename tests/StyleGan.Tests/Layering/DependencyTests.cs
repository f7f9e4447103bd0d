using System.Reflection;
using Xunit.Abstractions;

namespace StyleGan.Tests.Layering;

/// <summary>
/// The layers of the code as the compiled assemblies show them (every type a type uses, its IL included): which
/// namespaces of an assembly use each other in a circle. The goal is none (issue 27). Until then the cycles of
/// 2026-12-07 are written down here, and the test fails on any other: a new cycle, a namespace joining one, and
/// also one that was broken, so that the list only shrinks.
/// </summary>
public sealed class DependencyTests(ITestOutputHelper output)
{
    public static TheoryData<string, string[]> Assemblies => new()
    {
        { "StyleGan.Core", [
            "StyleGan.Augment, StyleGan.Data, StyleGan.Generation, StyleGan.Images, StyleGan.Layers, StyleGan.Networks, StyleGan.Serialization, StyleGan.Serialization.Import"] },
        { "StyleGan.Serve", [] },
        { "stylegan", [] },
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void OnlyTheKnownNamespaceCyclesRemain(string assembly, string[] known)
    {
        var graph = new NamespaceGraph(Assembly.Load(assembly));
        var cycles = graph.Cycles();
        foreach (var cycle in cycles) foreach (var line in graph.Describe(cycle)) output.WriteLine(line);
        var found = cycles.Select(cycle => string.Join(", ", cycle)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(found.SequenceEqual(known.Order(StringComparer.Ordinal)), $"{assembly}: the namespaces that use each other are now " +
            $"[{string.Join("; ", found)}], where [{string.Join("; ", known)}] were known. A new cycle is a use against the layers (each use inside a " +
            "cycle is in the test's output); a broken one leaves the list.");
    }

    [Fact]
    public void TheGraphSeesAUseInAMethodBody()
    {
        // Program names the commands only inside Main's body; a reader of signatures alone would miss it.
        var graph = new NamespaceGraph(typeof(StyleGan.Cli.Entry.Program).Assembly);
        Assert.Contains("StyleGan.Cli.Commands", graph.Edges["StyleGan.Cli.Entry"].Keys);
    }
}
