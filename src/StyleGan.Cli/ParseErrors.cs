using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace StyleGan.Cli;

/// <summary>
/// How a command line that does not parse is told: as every other refusal, one line on stderr starting
/// "stylegan: error:" and exit code 1, naming the flag and the value in words, never a .NET type name
/// (System.CommandLine says "as expected type 'System.Nullable`1[System.Int32]'").
/// </summary>
public static class ParseErrors
{
    /// <summary>Writes the most telling error of <paramref name="parse"/> to stderr.</summary>
    /// <param name="parse">A parse that has errors.</param>
    /// <returns>The exit code, CliErrors.UserError.</returns>
    public static int Report(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        // A word not understood first (see Unknown); else an option's error, which names a flag and a value.
        string message = Unknown(parse, command)
            ?? Describe(parse.Errors.FirstOrDefault(error => error.SymbolResult is OptionResult or ArgumentResult) ?? parse.Errors[0], command);
        Console.Error.WriteLine(CliErrors.OneLine($"stylegan: error: {message}"));
        return CliErrors.UserError;
    }

    /// <summary>
    /// An option or command that does not exist, with the nearest one there is, or null when every word is known. It
    /// is said before anything else: a mistyped --seeds would otherwise be reported as a value without an option, or
    /// a required option as missing. A word that is not an option is a mistyped command where commands are expected.
    /// </summary>
    /// <param name="parse">The parse.</param>
    /// <param name="command">The command being parsed.</param>
    static string? Unknown(ParseResult parse, Command command)
    {
        var word = parse.UnmatchedTokens.FirstOrDefault(token => token.StartsWith('-') || command.Subcommands.Count > 0);
        if (word is null) return null;
        bool isOption = word.StartsWith('-');
        // "--seedz=1" is one token; its name is what is compared.
        string typed = isOption ? word.Split('=')[0] : word;
        var known = isOption ? Options(parse).Where(option => !option.Hidden).SelectMany(option => option.Aliases.Prepend(option.Name))
            : command.Subcommands.Where(sub => !sub.Hidden).SelectMany(sub => sub.Aliases.Prepend(sub.Name));
        var nearest = known.Select(name => (Name: name, Distance: EditDistance.Between(typed, name)))
            .Where(candidate => candidate.Distance <= Math.Max(2, typed.Length / 3)).OrderBy(candidate => candidate.Distance).FirstOrDefault();
        string suggestion = nearest.Name is null ? "." : $"; did you mean '{nearest.Name}'?";
        return $"unknown {(isOption ? "option" : "command")} '{typed}' for '{Name(command)}'{suggestion} See {Name(command)} --help.";
    }

    // The command's own options and those its parents give every sub-command (--help).
    static IEnumerable<Option> Options(ParseResult parse)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
            foreach (var option in result.Command.Options)
                if (result == parse.CommandResult || option.Recursive) yield return option;
    }

    // The command as typed after the tool's name: the root's own name is the host's (testhost under a test runner).
    static string Name(Command command) => command is RootCommand ? "stylegan" : $"stylegan {command.Name}";

    /// <summary>One error in words, with where to look for the command's options.</summary>
    /// <param name="error">The error.</param>
    /// <param name="command">The command being parsed, for the --help hint.</param>
    public static string Describe(ParseError error, Command command)
    {
        if (error.SymbolResult is OptionResult { Tokens: [var token] } option
            && Expected(Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType, token.Value) is string expected)
            return $"{option.Option.Name}: '{token.Value}' is not {expected}.";
        return $"{error.Message.TrimEnd('.')}; see {Name(command)} --help.";
    }

    // What a value of this type looks like, when the text is not one (null when it is, or for a type this does not know).
    static string? Expected(Type type, string text)
    {
        var culture = CultureInfo.InvariantCulture;
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.Integer, culture, out _) ? null
                : long.TryParse(text, NumberStyles.Integer, culture, out _) ? $"a whole number from {int.MinValue} to {int.MaxValue}" : "a whole number";
        if (type == typeof(ulong))
            return ulong.TryParse(text, NumberStyles.Integer, culture, out _) ? null : $"a whole number from 0 to {ulong.MaxValue}";
        if (type == typeof(double))
            return double.TryParse(text, NumberStyles.Float, culture, out _) ? null : "a number (e.g. 0.5 or 1e-3)";
        if (type == typeof(bool))
            return bool.TryParse(text, out _) ? null : "true or false";
        return null;
    }
}
