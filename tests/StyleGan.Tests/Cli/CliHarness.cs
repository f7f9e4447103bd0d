using StyleGan.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace StyleGan.Tests.Cli;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Runs the stylegan command in this process, as a user would run it, and catches what it says on stderr.</summary>
public static class CliHarness
{
    /// <summary>The dotnet host that runs these tests; with <see cref="Tool"/>, the built stylegan as a user runs it.</summary>
    public static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>The built tool beside the tests.</summary>
    public static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "stylegan.dll");

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>Sends a child process SIGINT, as Ctrl-C does.</summary>
    public static void Interrupt(System.Diagnostics.Process process) => Assert.Equal(0, Kill(process.Id, 2));

    /// <summary>Sends a process SIGTERM, as a scheduler does.</summary>
    public static void Terminate(int pid) => Assert.Equal(0, Kill(pid, 15));

    /// <param name="args">The command line after "stylegan".</param>
    public static (int ExitCode, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try { return (StyleGan.Cli.Entry.Program.Main(args), error.ToString()); }
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
