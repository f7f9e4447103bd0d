using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Serialization;
using static TorchSharp.torch;

namespace StyleGan.Serve;

/// <summary>Where a projection stands, as the page polls it.</summary>
/// <param name="Id">The projection's name in requests.</param>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Steps in all.</param>
/// <param name="Distance">The last step's distance to the target (null before the first).</param>
/// <param name="Done">Whether it finished (its ws can be explored).</param>
/// <param name="Error">Why it stopped, when it failed.</param>
public sealed record ProjectionProgress(string Id, int Step, int Steps, double? Distance, bool Done, string? Error);

/// <summary>
/// An uploaded image projected into W in the background (NVIDIA's projector recipe), on a copy of the network of its
/// own: the projector rewrites the noise buffers of the network it runs, and the page keeps rendering meanwhile.
/// </summary>
public sealed class ProjectionJob : IDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly object sync = new();
    readonly Task task;
    Tensor? ws;
    Tensor? latestImage;
    ProjectionProgress progress;

    /// <param name="id">The projection's name.</param>
    /// <param name="networkPath">The network file, loaded again for the job's own copy.</param>
    /// <param name="open">Opens a file to read (under the server's read rule).</param>
    /// <param name="device">Where the job's copy runs.</param>
    /// <param name="target">The target image [1, C, H, W] in [-1, 1] at the network's resolution; the job owns it once made.</param>
    /// <param name="options">The projector's settings.</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="distance">What is minimized, for the job's copy of the network.</param>
    public ProjectionJob(string id, string networkPath, Func<string, FileStream> open, Device device, Tensor target, ProjectorOptions options, int? classIndex, Func<Device, ImageDistance> distance)
    {
        options.Validate();
        var network = open(networkPath);
        progress = new ProjectionProgress(id, 0, options.Steps, null, false, null);
        Target = target;
        task = Task.Run(() => Project(network, networkPath, device, options, classIndex, distance));
    }

    /// <summary>The target image.</summary>
    public Tensor Target { get; }

    /// <summary>The current progress.</summary>
    public ProjectionProgress Progress { get { lock (sync) return progress; } }

    /// <summary>A copy of the finished projection's ws [1, num_ws, w_dim], or null while it runs.</summary>
    public Tensor? Ws() { lock (sync) return progress.Done ? ws?.clone() : null; }

    /// <summary>The PNG of the latest step's image beside the target, or of the target alone before the first step.</summary>
    public byte[] PreviewPng()
    {
        lock (sync)
        {
            using var scope = NewDisposeScope();
            return ImageGrid.Png(latestImage is null ? Target : cat([Target, latestImage], 0), columns: 2);
        }
    }

    void Project(FileStream network, string networkPath, Device device, ProjectorOptions options, int? classIndex, Func<Device, ImageDistance> distance)
    {
        try
        {
            using var networks = NetworkFile.Load(network, networkPath, NetworkParts.Sampler);
            var sampler = new Sampler(networks.Sampler, device, batchSize: 1);
            foreach (var step in Projector.Run(sampler, Target, distance(device), options, classIndex))
            {
                lock (sync)
                {
                    ws?.Dispose();
                    latestImage?.Dispose();
                    ws = step.Ws;
                    latestImage = step.Image;
                    progress = progress with { Step = step.Step + 1, Distance = step.Distance, Done = step.Step + 1 == options.Steps };
                }
                if (stop.IsCancellationRequested) break;
            }
        }
        catch (Exception e) when (e is InvalidValueException or InvalidDataException or IOException or RequestException)
        {
            lock (sync) progress = progress with { Error = e.Message };
        }
        catch (Exception e)
        {
            lock (sync) progress = progress with { Error = $"the projection failed: {e}" };
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        task.Wait();
        stop.Dispose();
        ws?.Dispose();
        latestImage?.Dispose();
        Target.Dispose();
    }
}
