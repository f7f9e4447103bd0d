using StyleGan.Serialization;

namespace StyleGan.Cli;

/// <summary>Tells the user what a network file was and what its import left out or derived.</summary>
public static class NetworkReport
{
    public static void Print(NetworkSet networks)
    {
        string present = string.Join(", ", new[] { ("G", networks.G is not null), ("D", networks.D is not null), ("G_ema", networks.GEma is not null) }
            .Where(n => n.Item2).Select(n => n.Item1));
        Console.WriteLine($"Loaded {networks.Format}: {present}.");
        foreach (var note in networks.Notes) Console.WriteLine($"  note: {note}");
    }

    /// <summary>Says which generator a command samples from, and why.</summary>
    public static void PrintSampler(NetworkSet networks) => Console.WriteLine($"  generating from {networks.SamplerDescription}.");
}
