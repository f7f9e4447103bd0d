namespace StyleGan.Cli;

/// <summary>The datasets and weights that ship with the tool (data/ in the repository, copied beside the executable).</summary>
public static class BundledData
{
    public static string Mnist => Path.Combine(AppContext.BaseDirectory, "data", "mnist32.zip");
    public static string MnistClassifier => Path.Combine(AppContext.BaseDirectory, "data", "mnist-classifier.safetensors");

    /// <summary>lpips' learned weights for VGG16 (v0.1), for <c>Metrics.Lpips.Load</c>.</summary>
    public static string LpipsVgg => Path.Combine(AppContext.BaseDirectory, "data", "lpips-vgg-v0.1.pth");
}
