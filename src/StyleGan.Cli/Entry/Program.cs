using System.CommandLine;
using StyleGan.Cli.Commands;

namespace StyleGan.Cli.Entry;

/// <summary>
/// The entry point: the root command with every subcommand. Its own namespace, above the commands, which use the
/// options and helpers of StyleGan.Cli below them.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = Root();
        EmptyValues.Refuse(root);
        DownloadBar.Attach();
        var parse = root.Parse(args);
        // System.CommandLine would print its own text (and .NET type names); a refusal is told as every other one.
        if (parse.Errors.Count > 0) return ParseErrors.Report(parse);
        using var interruption = Interruption.Handle(parse.CommandResult.Command);
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>The command tree: the root command with every subcommand and its options.</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand("StyleGAN for .NET: train style-based GANs, generate and control images, measure their quality.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(MixCommand.Create());
        root.Subcommands.Add(NoiseCommand.Create());
        root.Subcommands.Add(TruncationCommand.Create());
        root.Subcommands.Add(DirectionsCommand.Create());
        root.Subcommands.Add(InterpolateCommand.Create());
        root.Subcommands.Add(ProjectCommand.Create());
        root.Subcommands.Add(LadderCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(FidCommand.Create());
        root.Subcommands.Add(SpectrumCommand.Create());
        root.Subcommands.Add(ClassifierCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(AugmentCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }
}
