using System.CommandLine;
using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Metrics;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan train-classifier</c>: (re)trains the MNIST classifier that defines the metrics' feature space.</summary>
public static class ClassifierCommand
{
    public static Command Create()
    {
        var dataOption = new Option<string?>("--data") { Description = "Labelled digits (default: the bundled MNIST)" };
        var output = new Option<string>("--out") { Description = "Where to write the classifier", DefaultValueFactory = _ => "data/mnist-classifier.safetensors" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 8 }.Sets(nameof(Metrics.ClassifierTrainingOptions.Epochs));
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, split and shifts", DefaultValueFactory = _ => 0 };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out file" }.Sets("Force");
        var threads = CommonOptions.Threads();
        var command = new Command("train-classifier", "Train the MNIST classifier used by `stylegan metrics` and report its held-out accuracy.")
        {
            dataOption, output, epochs, seed, force, threads,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            string dataPath = parse.GetValue(dataOption) ?? BundledData.Mnist;
            string outPath = new OutputRule("--out", parse.GetValue(force), dataPath).File(parse.GetValue(output)!);
            var options = new ClassifierTrainingOptions(Epochs: parse.GetValue(epochs), Seed: parse.GetValue(seed)).Validate();
            CommonOptions.Setup(parse.GetValue(threads), "cpu");
            using var data = ImageDataset.Open(dataPath);
            if (data.LabelDim != MnistClassifier.ClassCount)
                throw new InvalidDataException($"{data.Path} has {data.LabelDim} label dimensions; the classifier needs the 10 digit classes (dataset.json).");
            if (data.Channels != 1)
                throw new InvalidDataException($"{data.Path} holds RGB images; the classifier trains on grayscale digits (make them with: stylegan dataset --channels gray).");
            var all = Enumerable.Range(0, data.Count).ToList();
            var images = data.Images(all);
            var labels = data.Labels(all)!.argmax(1);
            var result = ClassifierTraining.Train(images, labels, options,
                epoch => Console.WriteLine($"epoch {epoch.Epoch}: loss {epoch.TrainLoss:F4}, held-out accuracy {epoch.ValidationAccuracy:P2}, {epoch.Elapsed.TotalSeconds:F0} s"));
            using var classifier = result.Classifier;
            classifier.Save(outPath);
            Console.WriteLine($"Wrote {outPath}: held-out accuracy {result.ValidationAccuracy:P2} on {result.ValidationCount} digits (trained on {result.TrainCount}).");
            return 0;
        }));
        return command;
    }
}
