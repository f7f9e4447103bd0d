using Microsoft.AspNetCore.Http;
using StyleGan.Editing;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Serve;

/// <summary>
/// The projections of a server: one running at a time, the finished ones kept for exploring (the oldest dropped past
/// a bound). The one slot is taken before an upload is read or decoded, so a burst of uploads costs one decode.
/// </summary>
/// <param name="distance">What projections minimize.</param>
/// <param name="open">Opens the network file again for a job (under the server's read rule).</param>
public sealed class Projections(Func<Device, ImageDistance> distance, Func<string, FileStream> open) : IDisposable
{
    /// <summary>How many projections are kept.</summary>
    public const int Kept = 8;

    /// <summary>The most steps a projection may take.</summary>
    public const int MaxSteps = 5000;

    readonly object sync = new();
    readonly List<ProjectionJob> jobs = [];
    bool starting;
    int next;

    /// <summary>Starts projecting an uploaded image; refuses while another projection runs or starts, before reading the upload.</summary>
    /// <param name="session">The network.</param>
    /// <param name="readUpload">Reads the uploaded file's bytes; called only once the slot is this request's.</param>
    /// <param name="steps">Optimization steps.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    public async Task<ProjectionProgress> Start(ExploreSession session, Func<Task<byte[]>> readUpload, int steps, int? classIndex)
    {
        if (steps is < 1 or > MaxSteps) throw new RequestException($"steps: {steps} is outside [1, {MaxSteps}].");
        var info = session.Info;
        if (info.CDim > 0 && classIndex is null) throw new RequestException($"class: the network is conditional on {info.CDim} classes; give a class between 0 and {info.CDim - 1}.");
        lock (sync)
        {
            if (starting || jobs.Any(job => job.Progress is { Done: false, Error: null }))
                throw new RequestException("project: a projection is running; wait for it to finish.", StatusCodes.Status409Conflict);
            starting = true;
        }
        try
        {
            byte[] image = await readUpload();
            if (image.Length == 0) throw new RequestException("upload: the request has no image in its body.");
            Tensor target;
            try { target = SquareImage.Decode(image, "the upload", info.Resolution, info.Channels); }
            catch (InvalidDataException e) { throw new RequestException($"{e.Message} Upload a PNG, JPEG, WebP, GIF or BMP image.", StatusCodes.Status415UnsupportedMediaType); }
            lock (sync)
            {
                string id = $"p{++next}";
                ProjectionJob job;
                try { job = new ProjectionJob(id, info.Path, open, session.Sampler.Device, target, new ProjectorOptions { Steps = steps }, classIndex, distance); }
                catch
                {
                    target.Dispose();
                    throw;
                }
                jobs.Add(job);
                while (jobs.Count > Kept)
                {
                    jobs[0].Dispose();
                    jobs.RemoveAt(0);
                }
                return job.Progress;
            }
        }
        finally
        {
            lock (sync) starting = false;
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
