using System.Text.Json;
using Spectre.Console;
using StyleGan.Data;
using StyleGan.Metrics;
using static TorchSharp.torch;

namespace StyleGan.Bench;

/// <summary>
/// The classes the bundled MNIST classifier finds in folders of images (generated samples saved as PNGs, by our
/// tool or another implementation), as the classes1k_mnist metric counts them: one classifier judges every source.
/// </summary>
public static class CoverageBench
{
    /// <param name="folders">Folders (or zips) of 32x32 digit images.</param>
    /// <param name="classifierFile">The bundled classifier.</param>
    /// <param name="jsonFile">Where the table goes as JSON.</param>
    public static void Run(IReadOnlyList<string> folders, string classifierFile, string jsonFile)
    {
        using var classifier = MnistClassifier.Load(classifierFile);
        var table = new Table().AddColumn("folder").AddColumn("images").AddColumn($"classes with >= {ClassCoverage.MinShare:P0}").AddColumn("smallest share")
            .AddColumn("largest share").AddColumn("share per class 0-9");
        var rows = new List<object>();
        foreach (var folder in folders)
        {
            using var data = ImageDataset.Open(folder);
            using var scope = NewDisposeScope();
            var probabilities = cat(Enumerable.Range(0, (data.Count + 255) / 256).Select(batch =>
            {
                var indices = Enumerable.Range(batch * 256, Math.Min(256, data.Count - batch * 256)).ToList();
                using var _ = no_grad();
                return nn.functional.softmax(classifier.Logits(data.Images(indices)), 1);
            }).ToList());
            var shares = ClassCoverage.Shares(probabilities);
            var (covered, smallest, largest) = ClassCoverage.Summarize(shares);
            table.AddRow(folder, $"{data.Count}", $"{covered}", $"{smallest:P1}", $"{largest:P1}", string.Join(" ", shares.Select(s => $"{s * 100:F0}")));
            rows.Add(new { folder, images = data.Count, covered, smallest, largest, shares });
        }
        AnsiConsole.Write(table);
        File.WriteAllText(jsonFile, JsonSerializer.Serialize(new { classifier = classifierFile, min_share = ClassCoverage.MinShare, results = rows }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {jsonFile}");
    }
}
