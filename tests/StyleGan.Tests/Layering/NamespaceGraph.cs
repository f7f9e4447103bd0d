using System.Reflection;

namespace StyleGan.Tests.Layering;

/// <summary>
/// Which namespaces of one assembly use which others, from what its types use (<see cref="TypeReferences"/>), with
/// one example per edge (a type and the type it uses), and the cycles among them.
/// </summary>
public sealed class NamespaceGraph
{
    readonly Dictionary<string, Dictionary<string, (Type From, Type To)>> edges = new();

    /// <param name="assembly">The compiled assembly; only uses between its own namespaces count.</param>
    public NamespaceGraph(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            string from = type.Namespace ?? "";
            foreach (var used in TypeReferences.Of(type))
            {
                if (used.Assembly != assembly || used.Namespace is not { } to || to == from) continue;
                var targets = edges.TryGetValue(from, out var found) ? found : edges[from] = new();
                targets.TryAdd(to, (type, used));
            }
        }
    }

    /// <summary>The namespaces each namespace uses, with an example use.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, (Type From, Type To)>> Edges => edges;

    /// <summary>The groups of namespaces that use each other in a circle (Tarjan's strongly connected components of two or more).</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next)) { Visit(next); low[node] = Math.Min(low[node], low[next]); }
                else if (onStack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do { member = stack.Pop(); onStack.Remove(member); component.Add(member); } while (member != node);
            if (component.Count > 1) cycles.Add(component.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var node in edges.Keys.ToList()) if (!index.ContainsKey(node)) Visit(node);
        return cycles;
    }

    /// <summary>A cycle's uses, one line per edge inside it: "A -> B (TypeA uses TypeB)".</summary>
    public IEnumerable<string> Describe(IReadOnlyCollection<string> cycle) =>
        from source in cycle
        from edge in edges.GetValueOrDefault(source) ?? new()
        where cycle.Contains(edge.Key)
        select $"{source} -> {edge.Key} ({edge.Value.From.FullName} uses {edge.Value.To.FullName})";
}
