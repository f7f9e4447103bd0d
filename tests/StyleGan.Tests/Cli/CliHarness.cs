using StyleGan.Cli;
using StyleGan.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Runs the stylegan command in this process, as a user would run it, and catches what it says on stderr.</summary>
public static class CliHarness
{
    /// <param name="args">The command line after "stylegan".</param>
    public static (int ExitCode, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try { return (Program.Main(args), error.ToString()); }
        finally { Console.SetError(original); }
    }

    /// <summary>Eight random 8x8 grayscale PNGs in folder/images, a dataset that trains in moments.</summary>
    /// <param name="folder">Where the images folder goes.</param>
    public static string TinyDataset(string folder)
    {
        var images = Path.Combine(folder, "images");
        var random = new torch.Generator(3);
        for (int i = 0; i < 8; i++)
            ImageFile.SavePng(Path.Combine(images, $"{i}.png"), randint(0, 256, new long[] { 1, 8, 8 }, dtype: ScalarType.Byte, generator: random));
        return images;
    }
}
