using Microsoft.AspNetCore.Http;

namespace StyleGan.Serve;

/// <summary>Reads a projection request's query, refusing what is unknown, malformed or out of range before its upload is read.</summary>
public static class ProjectQuery
{
    /// <summary>The parameters a projection request may carry.</summary>
    public static readonly IReadOnlyList<string> Names = ["steps", "class"];

    /// <summary>The steps of a projection that names none (NVIDIA's projector takes 1000; the page wants an answer sooner).</summary>
    public const int DefaultSteps = 300;

    /// <param name="query">The request's query.</param>
    /// <param name="network">The class count checked against.</param>
    public static (int Steps, int? Class) Parse(IQueryCollection query, NetworkInfo network)
    {
        ViewQuery.RequireKnown(query, Names);
        int steps = query.ContainsKey("steps") ? ViewQuery.Int(query, "steps", 1, Projections.MaxSteps) : DefaultSteps;
        return (steps, ViewQuery.Class(query, network));
    }
}
