using Microsoft.AspNetCore.Http;
using StyleGan.Editing;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Serve;

/// <summary>The projections of a server: one running at a time, the finished ones kept for exploring (the oldest dropped past a bound).</summary>
/// <param name="distance">What projections minimize.</param>
public sealed class Projections(Func<Device, ImageDistance> distance) : IDisposable
{
    /// <summary>How many projections are kept.</summary>
    public const int Kept = 8;

    /// <summary>The most steps a projection may take.</summary>
    public const int MaxSteps = 5000;

    readonly object sync = new();
    readonly List<ProjectionJob> jobs = [];
    int next;

    /// <summary>Starts projecting an uploaded image; refuses while another projection runs.</summary>
    /// <param name="session">The network.</param>
    /// <param name="image">The uploaded file's bytes.</param>
    /// <param name="steps">Optimization steps.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    public ProjectionProgress Start(ExploreSession session, byte[] image, int steps, int? classIndex)
    {
        if (steps is < 1 or > MaxSteps) throw new RequestException($"steps: {steps} is outside [1, {MaxSteps}].");
        var info = session.Info;
        if (info.CDim > 0 && classIndex is null) throw new RequestException($"class: the network is conditional on {info.CDim} classes; give a class between 0 and {info.CDim - 1}.");
        Tensor target;
        try { target = SquareImage.Decode(image, "the upload", info.Resolution, info.Channels); }
        catch (InvalidDataException e) { throw new RequestException($"{e.Message} Upload a PNG, JPEG, WebP, GIF or BMP image.", StatusCodes.Status415UnsupportedMediaType); }
        lock (sync)
        {
            if (jobs.Any(job => job.Progress is { Done: false, Error: null }))
            {
                target.Dispose();
                throw new RequestException("project: a projection is running; wait for it to finish.", StatusCodes.Status409Conflict);
            }
            string id = $"p{++next}";
            var job = new ProjectionJob(id, info.Path, session.Sampler.Device, target, new ProjectorOptions { Steps = steps }, classIndex, distance);
            jobs.Add(job);
            while (jobs.Count > Kept)
            {
                jobs[0].Dispose();
                jobs.RemoveAt(0);
            }
            return job.Progress;
        }
    }

    /// <summary>A projection by id, or a 404 naming it.</summary>
    /// <param name="id">From <see cref="Start"/>.</param>
    public ProjectionJob Get(string id)
    {
        lock (sync)
            return jobs.FirstOrDefault(job => job.Progress.Id == id)
                ?? throw new RequestException($"projection: '{id}' is not a projection of this server (it keeps the last {Kept}).", StatusCodes.Status404NotFound);
    }

    /// <summary>The finished ws of a projection, or a refusal while it runs.</summary>
    /// <param name="id">From <see cref="Start"/>.</param>
    /// <param name="network">The network the ws must fit.</param>
    public Tensor Ws(string id, NetworkInfo network)
    {
        var job = Get(id);
        var ws = job.Ws() ?? throw new RequestException($"projection: '{id}' has not finished ({job.Progress.Step} of {job.Progress.Steps} steps).", StatusCodes.Status409Conflict);
        if (ws.shape[1] != network.NumWs || ws.shape[2] != network.WDim)
        {
            ws.Dispose();
            throw new RequestException($"projection: '{id}' was made with another network.", StatusCodes.Status409Conflict);
        }
        return ws;
    }

    public void Dispose()
    {
        lock (sync)
        {
            foreach (var job in jobs) job.Dispose();
            jobs.Clear();
        }
    }
}
