namespace StyleGan.Cli;

/// <summary>The datasets that ship with the tool (data/ in the repository, copied beside the executable).</summary>
public static class BundledData
{
    public static string Mnist => Path.Combine(AppContext.BaseDirectory, "data", "mnist32.zip");
    public static string MnistClassifier => Path.Combine(AppContext.BaseDirectory, "data", "mnist-classifier.safetensors");
}
