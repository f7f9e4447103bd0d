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
        // An option's error names a flag and a value; else the first word not understood is the one to name
        // ("stylegan bogus" says "Required command was not provided" before "Unrecognized command ... 'bogus'").
        var error = parse.Errors.FirstOrDefault(error => error.SymbolResult is OptionResult or ArgumentResult)
            ?? parse.Errors.FirstOrDefault(error => parse.UnmatchedTokens.Count > 0 && error.Message.Contains($"'{parse.UnmatchedTokens[0]}'"))
            ?? parse.Errors[0];
        Console.Error.WriteLine(CliErrors.OneLine($"stylegan: error: {Describe(error, parse.CommandResult.Command)}"));
        return CliErrors.UserError;
    }

    /// <summary>One error in words, with where to look for the command's options.</summary>
    /// <param name="error">The error.</param>
    /// <param name="command">The command being parsed, for the --help hint.</param>
    public static string Describe(ParseError error, Command command)
    {
        string help = command is RootCommand ? "stylegan --help" : $"stylegan {command.Name} --help";
        if (error.SymbolResult is OptionResult { Tokens: [var token] } option
            && Expected(Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType, token.Value) is string expected)
            return $"{option.Option.Name}: '{token.Value}' is not {expected}.";
        return $"{error.Message.TrimEnd('.')}; see {help}.";
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
