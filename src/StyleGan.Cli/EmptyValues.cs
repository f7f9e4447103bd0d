using System.CommandLine;

namespace StyleGan.Cli;

/// <summary>
/// An empty value ('') names no file, folder, seed list or device: it is refused while parsing, for every option and
/// argument that takes text, so that no command reaches a path or a name that is not there (Path.GetFullPath("")
/// throws, which ended in an internal error).
/// </summary>
public static class EmptyValues
{
    /// <summary>Adds the refusal to every text option and argument of <paramref name="command"/> and its sub-commands.</summary>
    /// <param name="command">The root command.</param>
    public static void Refuse(Command command)
    {
        foreach (var option in command.Options.Where(option => TakesText(option.ValueType)))
            option.Validators.Add(result =>
            {
                if (result.Tokens.Any(token => token.Value.Length == 0)) result.AddError($"{option.Name}: the value is empty; give one");
            });
        foreach (var argument in command.Arguments.Where(argument => TakesText(argument.ValueType)))
            argument.Validators.Add(result =>
            {
                if (result.Tokens.Any(token => token.Value.Length == 0)) result.AddError($"{argument.Name.ToUpperInvariant()}: the value is empty; give one");
            });
        foreach (var sub in command.Subcommands) Refuse(sub);
    }

    static bool TakesText(Type type) => type == typeof(string) || type == typeof(string[]);
}
