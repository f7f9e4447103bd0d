using System.CommandLine;
using System.CommandLine.Parsing;
using StyleGan.Metrics;
using StyleGan.Runtime;

namespace StyleGan.Cli;

/// <summary>
/// The refusal of an input that is not there, naming the flag that gave it and what to give instead. The library
/// says an input is missing by a FileNotFoundException whose FileName is the path as it was given; the command line
/// tells which flag (or argument) gave that path, and this table what the flag should name.
/// </summary>
public static class MissingInputs
{
    const string Network = "Give the path of a network file: a training checkpoint (runs/.../network-snapshot-*.safetensors), a converted network or an NVIDIA .pkl.";
    const string ImageSet = "Give a folder or .zip of images, or an .npz of their statistics (fid --save-stats writes one).";

    // Each flag (an argument by its upper-case name) that names an input: what it names, and how to name one that is there.
    static readonly Dictionary<string, (string What, string Fix)> Inputs = new()
    {
        ["--network"] = ("file", Network),
        ["INPUT"] = ("file", Network),
        ["--resume"] = ("file", "Give a training checkpoint (runs/.../network-snapshot-*.safetensors) to continue its run, auto for the newest under --outdir, " +
            "or a network file to start a new run from its weights."),
        ["--data"] = ("folder or zip", "Give a folder of images or a .zip of them (stylegan dataset makes one from any images), " +
            "or leave out --data for the default: the bundled MNIST digits, or a resumed run's own dataset."),
        ["--source"] = ("folder or zip", "Give the folder (class sub-folders allowed) or .zip of the PNG, JPEG, WebP or BMP images to prepare."),
        ["--labels"] = ("file", "Give a labels file (JSON as dataset.json, or CSV lines of path,class), or none, or subfolders for class sub-folders."),
        ["PATH_A"] = ("folder, zip or .npz", ImageSet),
        ["PATH_B"] = ("folder, zip or .npz", ImageSet),
        ["--inception"] = ("file", Published("pytorch-fid's Inception weights", InceptionV3.Published, "--inception")),
        ["--vgg"] = ("file", Published("torchvision's VGG16 weights", Vgg16Features.Published, "--vgg")),
        ["--clip"] = ("file", Published("CLIP ViT-L/14-336 in Hugging Face's safetensors layout", ClipVisionEncoder.Published, "--clip")),
        ["--classifier"] = ("file", "Give an MNIST classifier that stylegan train-classifier wrote, or leave out --classifier for the bundled one."),
        ["--projected-w"] = ("file", "Give the ws that stylegan project wrote: projected_w.npz or projected_w.safetensors in its --outdir."),
        ["--direction"] = ("file", "Give a file that stylegan directions wrote, as FILE:K, e.g. out/directions.safetensors:0."),
        ["--target"] = ("file", "Give the image to project: a PNG, JPEG, WebP or BMP file."),
        ["--run"] = ("folder", "Give a training run's folder, e.g. runs/00000-mnist32-cpu-tiny."),
        ["--folder"] = ("folder", "Give a folder that holds network files."),
    };

    static string Published(string what, PublishedFile file, string flag) =>
        $"Give the path of {what} ({file.Name}), or leave out {flag} for the copy in the cache folder, downloaded on first use.";

    /// <summary>
    /// The refusal (without "stylegan: error:") when a flag or argument of <paramref name="parse"/> gave
    /// <paramref name="path"/>: the flag, the path as given, the folder it was looked for in, and the fix; null
    /// when the path came from elsewhere (a default, a checkpoint's record of its dataset).
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="path">The path that does not exist, as the library was given it.</param>
    public static string? Describe(ParseResult parse, string path)
    {
        foreach (var child in parse.CommandResult.Children)
        {
            string? name = child switch
            {
                OptionResult option => option.Option.Name,
                ArgumentResult argument => argument.Argument.Name.ToUpperInvariant(),
                _ => null,
            };
            if (name is not null && Inputs.TryGetValue(name, out var input) && child.Tokens.Any(token => Names(token.Value, path)))
                return $"{name}: the {input.What} '{path}' does not exist (looked in {Path.GetDirectoryName(Path.GetFullPath(path))}). {input.Fix}";
        }
        return null;
    }

    // A value is the path, or the path and more after a colon (--direction FILE:K=S).
    static bool Names(string value, string path) => value == path || value.StartsWith(path + ":", StringComparison.Ordinal);
}
