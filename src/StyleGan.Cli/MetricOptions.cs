using System.CommandLine;
using Spectre.Console;
using StyleGan.Metrics;

namespace StyleGan.Cli;

/// <summary>The options of the commands that compute metrics (metrics, train): which ones, and the weight files they read.</summary>
/// <param name="defaultMetrics">The --metrics default (null: none unless asked).</param>
public sealed class MetricOptions(string? defaultMetrics)
{
    public Option<string?> Metrics { get; } = new Option<string?>("--metrics")
    {
        Description = $"Comma-separated metrics: {string.Join(", ", StandardMetrics.All.Select(m => m.Name))}",
        DefaultValueFactory = _ => defaultMetrics,
    }.Sets(StandardMetrics.Setting);
    public Option<string?> Inception { get; } = new Option<string?>("--inception") { Description = $"pytorch-fid's Inception weights (default: {InceptionV3.Published.Name} in the cache folder)" }.Sets("InceptionFile");
    public Option<string?> Vgg { get; } = new Option<string?>("--vgg") { Description = $"torchvision's VGG16 weights, for pr* and ppl* (default: {Vgg16Features.Published.Name} in the cache folder)" }.Sets(Lpips.VggSetting);
    public Option<string?> Clip { get; } = new Option<string?>("--clip") { Description = $"CLIP ViT-L/14-336 in Hugging Face's safetensors layout, for cmmd (default: {ClipVisionEncoder.Published.Name} in the cache folder)" }.Sets("ClipFile");
    public Option<string?> Classifier { get; } = new Option<string?>("--classifier") { Description = "MNIST classifier of the *_mnist metrics (default: the bundled data/mnist-classifier.safetensors)" }.Sets("ClassifierFile");

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Metrics, Inception, Vgg, Clip, Classifier }) command.Options.Add(option);
    }

    /// <summary>The metrics asked for (empty when none), each with --num generated images when given.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="count">--num, or null for each metric's own count.</param>
    public IReadOnlyList<MetricDefinition> Chosen(ParseResult parse, int? count = null)
    {
        var list = parse.GetValue(Metrics) is string names ? StandardMetrics.Parse(names) : [];
        if (count is int n)
        {
            MetricSuite.CheckImageCount(n);
            list = list.Select(m => m.WithGeneratedCount(n)).ToList();
        }
        return list;
    }

    /// <summary>The weight files as given, with the bundled classifier and LPIPS weights.</summary>
    /// <param name="parse">The command line.</param>
    public MetricWeightFiles Files(ParseResult parse) => new(parse.GetValue(Inception), parse.GetValue(Vgg), parse.GetValue(Clip), BundledData.LpipsVgg,
        parse.GetValue(Classifier) ?? BundledData.MnistClassifier);

    /// <summary>Runs an evaluation with a progress bar per stage on an interactive terminal (silent when output is redirected).</summary>
    /// <param name="evaluate">The evaluation, given the progress callback.</param>
    public static T WithProgress<T>(Func<Action<MetricProgress>, T> evaluate)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return evaluate(_ => { });
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return evaluate(progress =>
                {
                    if (!tasks.TryGetValue(progress.Stage, out var task))
                        tasks[progress.Stage] = task = context.AddTask(Markup.Escape(progress.Stage), maxValue: progress.Total);
                    task.Value = progress.Done;
                });
            });
    }
}
