namespace StyleGan;

/// <summary>
/// A value the library refuses (an option, a setting, a size): the user's to fix, not a bug. <see cref="Name"/> is
/// the setting's name in the library (a property of an options record), so that a front end can name its own
/// spelling of it, as the CLI names its flag.
/// </summary>
/// <param name="name">The setting, e.g. nameof(TrainingOptions.Batch).</param>
/// <param name="message">What is wrong and the valid range, naming the value.</param>
public sealed class InvalidValueException(string name, string message) : Exception(message)
{
    public string Name { get; } = name;
}
