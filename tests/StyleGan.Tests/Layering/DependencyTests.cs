using System.Reflection;
using Xunit.Abstractions;

namespace StyleGan.Tests.Layering;

/// <summary>
/// The layers of the code as the compiled assemblies show them (every type a type uses, its IL included). Between
/// assemblies, each may use only those below it in the agreed order; inside one, no two namespaces may use each other,
/// directly or round a circle.
/// </summary>
public sealed class DependencyTests(ITestOutputHelper output)
{
    /// <summary>Each of our assemblies and the ones it may use: the layers from the bottom up.</summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "StyleGan.Formats", [] },
        { "StyleGan.Core", ["StyleGan.Formats"] },
        { "StyleGan.Metrics", ["StyleGan.Core", "StyleGan.Formats"] },
        { "StyleGan.Serve", ["StyleGan.Core", "StyleGan.Formats"] },
        { "stylegan", ["StyleGan.Core", "StyleGan.Formats", "StyleGan.Metrics", "StyleGan.Serve"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void AnAssemblyUsesOnlyTheLayersBelowIt(string assembly, string[] below)
    {
        var used = Assembly.Load(assembly).GetReferencedAssemblies().Select(reference => reference.Name!)
            .Where(name => name == "stylegan" || name.StartsWith("StyleGan.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var against = used.Except(below).ToArray();
        Assert.True(against.Length == 0, $"{assembly} uses {string.Join(", ", against)}, which the layers do not allow (it may use " +
            $"{(below.Length == 0 ? "none of ours" : string.Join(", ", below))}). Move the code used down a layer, or the user up.");
    }

    /// <summary>Each of our assemblies, as <see cref="Layers"/> lists them.</summary>
    public static TheoryData<string> AssemblyNames => new(Layers.Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(AssemblyNames))]
    public void NoTwoNamespacesOfAnAssemblyUseEachOther(string assembly)
    {
        var graph = new NamespaceGraph(Assembly.Load(assembly));
        var cycles = graph.Cycles();
        foreach (var cycle in cycles) foreach (var line in graph.Describe(cycle)) output.WriteLine(line);
        Assert.True(cycles.Count == 0, $"{assembly}: these namespaces use each other: [{string.Join("; ", cycles.Select(cycle => string.Join(", ", cycle)))}]. " +
            "Each use inside a circle is in the test's output: move the type used to the lower namespace.");
    }

    [Fact]
    public void TheGraphSeesAUseInAMethodBody()
    {
        // Program names the commands only inside Main's body; a reader of signatures alone would miss it.
        var graph = new NamespaceGraph(typeof(StyleGan.Cli.Entry.Program).Assembly);
        Assert.Contains("StyleGan.Cli.Commands", graph.Edges["StyleGan.Cli.Entry"].Keys);
    }

    [Fact]
    public void TheGraphFindsACircle()
    {
        var cycles = new NamespaceGraph(typeof(CycleSample.Upper.UsesLower).Assembly).Cycles().Select(cycle => string.Join(", ", cycle.Order(StringComparer.Ordinal)));
        Assert.Contains("StyleGan.Tests.Layering.CycleSample.Lower, StyleGan.Tests.Layering.CycleSample.Upper", cycles);
    }
}
