using System.CommandLine;
using StyleGan.Files;
using StyleGan.Serialization;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan convert</c>: any network file the tool reads, written as our safetensors network.</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "An NVIDIA StyleGAN2-ADA .pkl, an NVIDIA TensorFlow-era .pkl (StyleGAN, Progressive GAN, StyleGAN2), a rosinality .pt, or one of our .safetensors" };
        var output = new Argument<string>("output") { Description = "The .safetensors network to write (G, D and G_ema under the official names)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing output file" }.Sets("Force");
        var command = new Command("convert", "Convert a published network to our safetensors format, which every command reads.") { input, output, force };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            string from = parse.GetValue(input)!;
            string to = new OutputRule("OUT", parse.GetValue(force), from).File(parse.GetValue(output)!);
            Runtime.TorchRuntime.EnsureLoaded();
            using var networks = NetworkFile.Load(from, NetworkParts.G | NetworkParts.D | NetworkParts.GEma);
            NetworkReport.Print(networks);
            NetworkFile.Save(to, networks);
            Console.WriteLine($"Wrote {to}.");
            return 0;
        }));
        return command;
    }
}
