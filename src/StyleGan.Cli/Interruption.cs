using System.CommandLine;
using System.Runtime.InteropServices;
using StyleGan.Files;

namespace StyleGan.Cli;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM ends a command at once, and what it was writing goes with it: .NET's default ending
/// runs no finally block, so the temporary of a file or folder being written stayed behind (DEST.tmpPID). train is
/// the exception, and ladder with it: they stop after the minibatch and write a checkpoint (GracefulStop); serve
/// shuts its web server down through ASP.NET Core's own handling of the signals.
/// </summary>
public static class Interruption
{
    /// <summary>Deletes the temporaries being written when a signal ends <paramref name="command"/>, until disposed.</summary>
    /// <param name="command">The command being run.</param>
    public static IDisposable Handle(Command command)
    {
        if (command.Name is "train" or "ladder" or "serve") return new Registrations([]);
        return new Registrations([PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)]);
    }

    static int stopped;

    // Not cancelled: the process then ends as the signal asks (exit code 128 + the signal). Said once, however many arrive.
    static void Stop(PosixSignalContext signal)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        AtomicFile.DeleteInFlight();
        Console.Error.WriteLine($"stylegan: {signal.Signal}: stopped; nothing half-written was left.");
    }

    sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}
