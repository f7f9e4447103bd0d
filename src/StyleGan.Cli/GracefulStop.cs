using System.Runtime.InteropServices;
using Spectre.Console;

namespace StyleGan.Cli;

/// <summary>
/// Ctrl-C and a scheduler's SIGTERM, for the commands that train: the first asks the training to stop after its
/// minibatch and write a checkpoint that --resume continues; a second one ends the process at once.
/// </summary>
public sealed class GracefulStop : IDisposable
{
    readonly CancellationTokenSource cancel = new();
    readonly PosixSignalRegistration onInterrupt, onTerminate;
    readonly bool announce;

    /// <param name="announce">Say so on the console when a signal comes (one rank of several says it for all).</param>
    public GracefulStop(bool announce = true)
    {
        this.announce = announce;
        onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    void Stop(PosixSignalContext signal)
    {
        if (cancel.IsCancellationRequested) return; // a second signal stops at once
        signal.Cancel = true;
        cancel.Cancel();
        if (announce) AnsiConsole.MarkupLine($"[yellow]{signal.Signal}: stopping after this minibatch and saving a checkpoint (send it again to abort without saving).[/]");
    }

    public void Dispose()
    {
        onInterrupt.Dispose();
        onTerminate.Dispose();
        cancel.Dispose();
    }
}
