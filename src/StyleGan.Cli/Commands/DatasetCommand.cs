using System.CommandLine;
using SkiaSharp;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Images;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan dataset</c>: turns a folder or zip of images into a training dataset and reports what it did.</summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "folder (recursive, class sub-folders allowed) or .zip of PNG/JPEG/WebP/BMP images", Required = true }.Sets("Source");
        var dest = new Option<string>("--dest") { Description = "dataset to write: a folder, or a path ending in .zip", Required = true }.Sets("Destination");
        var resolution = new Option<int?>("--resolution") { Description = "output side, a power of two (default: keep, when the images already are one square power of two)" }.Sets("Resolution");
        var transform = new Option<string>("--transform") { Description = "center-crop or pad (to square, before resizing)", DefaultValueFactory = _ => "center-crop" };
        var channels = new Option<string>("--channels") { Description = "rgb, gray, or auto (gray when every source is grayscale)", DefaultValueFactory = _ => "auto" };
        var background = new Option<string>("--background") { Description = "colour under transparency and in padding: a name (white, black, ...) or #RRGGBB", DefaultValueFactory = _ => "white" };
        var labels = new Option<string>("--labels") { Description = "none, subfolders, or a file (JSON like dataset.json, or CSV path,class)", DefaultValueFactory = _ => "none" }.Sets("LabelsFile");
        var skipBad = new Option<bool>("--skip-bad") { Description = "leave out unreadable or unlabelled images and report them, instead of stopping" }.Sets("SkipBad");
        var maxImages = new Option<int?>("--max-images") { Description = "write at most this many images (the first in path order)" }.Sets("MaxImages");
        var force = new Option<bool>("--force") { Description = "replace an existing non-empty destination" }.Sets("Force");
        var command = new Command("dataset", "Prepare a training dataset: square, power-of-two PNGs in StyleGAN2-ADA's layout, with optional labels.")
        {
            source, dest, resolution, transform, channels, background, labels, skipBad, maxImages, force,
        }.Sets("DatasetTool.Convert");
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var labelsValue = parse.GetValue(labels)!;
            var report = DatasetTool.Convert(new DatasetToolOptions
            {
                Source = parse.GetValue(source)!,
                Destination = parse.GetValue(dest)!,
                Resolution = parse.GetValue(resolution),
                Transform = parse.GetValue(transform) switch
                {
                    "center-crop" => SquareTransform.CenterCrop,
                    "pad" => SquareTransform.Pad,
                    var other => throw new UsageException($"Unknown --transform '{other}': use center-crop or pad."),
                },
                Channels = parse.GetValue(channels) switch
                {
                    "auto" => ChannelMode.Auto,
                    "rgb" => ChannelMode.Rgb,
                    "gray" or "grayscale" => ChannelMode.Grayscale,
                    var other => throw new UsageException($"Unknown --channels '{other}': use rgb, gray or auto."),
                },
                Background = ParseColor(parse.GetValue(background)!),
                Labels = labelsValue switch
                {
                    "none" => LabelSource.None,
                    "subfolders" => LabelSource.Subfolders,
                    _ => LabelSource.File,
                },
                LabelsFile = labelsValue is "none" or "subfolders" ? null : labelsValue,
                SkipBad = parse.GetValue(skipBad),
                MaxImages = parse.GetValue(maxImages),
                Force = parse.GetValue(force),
            });
            Print(report);
            return 0;
        }));
        return command;
    }

    static SKColor ParseColor(string text)
    {
        if (SKColor.TryParse(text, out var color)) return color;
        var named = typeof(SKColors).GetField(text, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.IgnoreCase);
        return named?.GetValue(null) is SKColor known ? known : throw new UsageException($"Unknown --background '{text}': use a colour name (white, black, ...) or #RRGGBB.");
    }

    static void Print(DatasetReport report)
    {
        var table = new Table().AddColumn("what").AddColumn("value");
        table.AddRow("written", Markup.Escape($"{report.Written} images to {report.Destination}"));
        table.AddRow("size", $"{report.Resolution}x{report.Resolution}, {(report.Channels == 1 ? "grayscale" : "RGB")}");
        table.AddRow("cropped / padded / resized", $"{report.Cropped} / {report.Padded} / {report.Resized}");
        table.AddRow("labels", report.LabelDim == 0 ? "none" : Markup.Escape(
            report.Classes.Count > 0 ? $"{report.LabelDim} classes: {ClassList(report.Classes)}" : $"{report.LabelDim} dimensions"));
        table.AddRow("skipped", report.Skipped.Count.ToString());
        AnsiConsole.Write(table);
        SkippedFiles.Print(report.Skipped);
    }

    // Enough of the index -> name mapping to check it, not a thousand names.
    static string ClassList(IReadOnlyList<string> classes) =>
        string.Join(", ", classes.Take(20).Select((name, i) => $"{i}={name}")) + (classes.Count > 20 ? $", ... ({classes.Count - 20} more)" : "");
}
