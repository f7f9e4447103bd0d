using System.CommandLine;
using System.Text.RegularExpressions;
using StyleGan.Runtime;
using StyleGan.Training;

namespace StyleGan.Cli;

/// <summary>A command line the CLI itself refuses (a value it parses, a combination of options).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// How a command ends on an error. What a user can fix (a bad value, a missing, unreadable or corrupt file, no
/// libtorch) ends in one line on stderr and exit code 1, with the library's setting names turned into this tool's
/// flags (<see cref="SettingFlags"/>), and a missing input named by the flag that gave it (see <see cref="MissingInputs"/>), as does a failed MPI call; a diverged run exits
/// with 3; anything else is a bug and prints its stack trace, exiting with 70.
/// </summary>
public static partial class CliErrors
{
    public const int UserError = 1;
    public const int Diverged = 3;
    public const int Bug = 70; // EX_SOFTWARE

    /// <summary>Runs a command's work, ending on an error as told above.</summary>
    /// <param name="parse">The command line, whose flags name the inputs that may be missing.</param>
    /// <param name="body">The work; it returns the exit code.</param>
    public static int Run(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (FileNotFoundException e) when (e.FileName is not null && MissingInputs.Describe(parse, e.FileName) is string refusal)
        {
            Console.Error.WriteLine(OneLine($"stylegan: error: {refusal}"));
            return UserError;
        }
        catch (InvalidValueException e)
        {
            var flags = SettingFlags.Of(parse.RootCommandResult.Command);
            // A message that begins with the setting names it already ("`AugmentP` is the probability of ...").
            string named = e.Message.StartsWith($"`{e.Name}`", StringComparison.Ordinal) ? "" : $"{flags.GetValueOrDefault(e.Name, e.Name)}: ";
            Console.Error.WriteLine(OneLine($"stylegan: error: {named}{WithFlags(e.Message, flags)}"));
            return UserError;
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine(OneLine($"stylegan: error: {WithFlags(e.Message, SettingFlags.Of(parse.RootCommandResult.Command))}"));
            return Diverged;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine(OneLine($"stylegan: error: {WithFlags(e.Message, SettingFlags.Of(parse.RootCommandResult.Command))}"));
            return UserError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"stylegan: internal error, a bug (please report it with this trace):{Environment.NewLine}{e}");
            return Bug;
        }
    }

    // A plain IOException is the file system's answer (disk full, a file in the way); its subclasses that are not
    // named here (end of stream, path too long) come from code that should have said more, so they count as bugs.
    // A failed MPI call (a rank gone, the network down) is the environment's, told in one line that names the rank.
    static bool IsUserError(Exception e) => e is UsageException or TorchUnavailableException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or UnauthorizedAccessException or Distributed.CollectiveException || e.GetType() == typeof(IOException);

    /// <summary>
    /// The message as one line: a message may quote a file's content or a file name (a damaged pickle's string, a
    /// name with a newline in it), whose control characters are written as \xNN so that the refusal stays one line
    /// and the terminal prints it as it is.
    /// </summary>
    public static string OneLine(string message) => ControlCharacter().Replace(message, m => $"\\x{(int)m.Value[0]:x2}");

    [GeneratedRegex(@"\p{Cc}")]
    private static partial Regex ControlCharacter();

    /// <summary>The message with each `Setting` the library names spelled as this tool's flag.</summary>
    /// <param name="message">The library's message.</param>
    /// <param name="flags">Each setting's flag (<see cref="SettingFlags.Of"/>).</param>
    public static string WithFlags(string message, IReadOnlyDictionary<string, string> flags) =>
        SettingName().Replace(message, m => flags.GetValueOrDefault(m.Groups[1].Value, m.Groups[1].Value));

    [GeneratedRegex("`([A-Za-z.]+)`")]
    private static partial Regex SettingName();
}
