using System.CommandLine;
using System.Runtime.CompilerServices;

namespace StyleGan.Cli;

/// <summary>
/// Which library settings each option feeds, declared where the option is (<c>new Option&lt;int?&gt;("--batch") { ... }.Sets(nameof(TrainingOptions.Batch))</c>),
/// so that a refusal naming a setting (<see cref="InvalidValueException.Name"/>, or a `Setting` in a message) is told
/// as the flag that sets it. The table of every setting and its flag is read from the command tree, not kept by hand.
/// </summary>
public static class SettingFlags
{
    static readonly ConditionalWeakTable<Symbol, string[]> Fed = new();

    /// <summary>Declares the library settings an option (or a whole command) sets: an options record's property names, or dotted names such as Growth.TrainingKimg.</summary>
    /// <param name="symbol">The option or command.</param>
    /// <param name="settings">The settings it sets.</param>
    public static T Sets<T>(this T symbol, params string[] settings) where T : Symbol
    {
        Fed.AddOrUpdate(symbol, settings);
        return symbol;
    }

    /// <summary>Every setting the command line sets, and how it spells it: an option's flag, or a command's "stylegan NAME".</summary>
    /// <param name="root">The root command.</param>
    public static IReadOnlyDictionary<string, string> Of(Command root)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(Symbol symbol, string spelling)
        {
            if (!Fed.TryGetValue(symbol, out var settings)) return;
            foreach (var setting in settings)
                if (!flags.TryAdd(setting, spelling) && flags[setting] != spelling)
                    throw new InvalidOperationException($"The setting {setting} is set by both {flags[setting]} and {spelling}; a refusal could not say which to change.");
        }
        void Visit(Command command, string path)
        {
            Add(command, path);
            foreach (var option in command.Options) Add(option, option.Name);
            foreach (var sub in command.Subcommands) Visit(sub, $"{path} {sub.Name}");
        }
        Visit(root, "stylegan");
        return flags;
    }
}
