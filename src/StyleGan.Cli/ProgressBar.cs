using Spectre.Console;

namespace StyleGan.Cli;

/// <summary>A progress bar around work of a known number of steps, on an interactive terminal; silent when output is redirected.</summary>
public static class ProgressBar
{
    /// <param name="description">What is being done.</param>
    /// <param name="total">The steps.</param>
    /// <param name="work">Does the work, calling its argument after each step with an optional note (shown beside the bar).</param>
    public static void Run(string description, int total, Action<Action<string?>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            work(_ => { });
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: total);
                work(note =>
                {
                    task.Increment(1);
                    if (note is not null) task.Description = Markup.Escape($"{description} {note}");
                });
            });
    }
}
