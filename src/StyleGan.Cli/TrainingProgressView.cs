using Spectre.Console;
using StyleGan.Training;

namespace StyleGan.Cli;

/// <summary>A live progress bar (kimg, sec/kimg, ETA, losses) around a training run; plain lines when output is redirected.</summary>
public static class TrainingProgressView
{
    public static TrainingOutcome Run(double totalKimg, double startKimg, Func<Action<TrainingProgress>, TrainingOutcome> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return train(p => { if (p.Event is not null) Console.WriteLine(p.Event); });

        TrainingOutcome outcome = TrainingOutcome.Finished;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: totalKimg);
                task.Value = startKimg;
                outcome = train(p =>
                {
                    task.Value = Math.Min(p.Kimg, totalKimg);
                    string speed = double.IsNaN(p.SecondsPerKimg) ? "" : $" {p.SecondsPerKimg:F1} s/kimg";
                    string losses = string.Join(" ", p.Losses.Select(kv => $"{kv.Key.Replace("loss/", "")} {kv.Value:F2}"));
                    string augment = p.AugmentP is double augmentP ? $" augment {augmentP:F3}" : "";
                    task.Description = Markup.Escape($"kimg {p.Kimg:F1}/{totalKimg}{speed}{augment} {losses}");
                    if (p.Event is not null) AnsiConsole.MarkupLine(Markup.Escape(p.Event));
                });
            });
        return outcome;
    }
}
