using System.CommandLine;
using Spectre.Console;
using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan info</c>: versions, threads and devices.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var threads = CommonOptions.Threads();
        var command = new Command("info", "Print versions, threads and available devices.") { threads };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            TorchRuntime.EnsureLoaded();
            int count = TorchRuntime.SetThreads(parse.GetValue(threads));
            var table = new Table().AddColumn("what").AddColumn("value");
            foreach (var (name, value) in TorchRuntime.Versions()) table.AddRow(name, Markup.Escape(value));
            table.AddRow("threads", $"{count} of {Environment.ProcessorCount} cores");
            table.AddRow("CPU convolutions", Markup.Escape(ConvolutionCheck.Describe()));
            table.AddRow("OpenMP wait policy", Markup.Escape(OpenMpWaitPolicy.Policy));
            table.AddRow("devices", cuda.is_available() ? $"cpu, cuda (x{cuda.device_count()})" : "cpu (no CUDA in this build or no GPU)");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
