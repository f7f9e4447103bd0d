using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

/// <summary>
/// An input that is not there ends in one line naming the flag that gave it, the path as given, the folder it was
/// looked for in and what to give instead; exit code 1, and nothing written.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class MissingInputTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("missing-input-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly string Network = ReferenceData.Fixture("published/stylegan2-ada-tiny.pkl");

    // The refusal's one line, starting with the flag, the path and where it was looked for, and the fix.
    static void AssertMissing((int ExitCode, string Error) result, string flag, string what, string path, string lookedIn, string fix)
    {
        Assert.Equal(CliErrors.UserError, result.ExitCode);
        Assert.StartsWith($"stylegan: error: {flag}: the {what} '{path}' does not exist (looked in {lookedIn}). ", result.Error);
        Assert.Contains(fix, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void GenerateNamesAMissingNetworkAsGivenAndTheFolderItLookedIn()
    {
        var working = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            var result = CliHarness.Run("generate", "--network", "missing.pkl", "--seeds", "1", "--outdir", "out");
            AssertMissing(result, "--network", "file", "missing.pkl", Environment.CurrentDirectory,
                "Give the path of a network file: a training checkpoint (runs/.../network-snapshot-*.safetensors), a converted network or an NVIDIA .pkl.");
        }
        finally { Environment.CurrentDirectory = working; }
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public void TrainNamesMissingData()
    {
        var missing = Path.Combine(folder, "nowhere");
        var runs = Path.Combine(folder, "runs");
        AssertMissing(CliHarness.Run("train", "--data", missing, "--outdir", runs, "--threads", "1"), "--data", "folder or zip", missing, folder,
            "Give a folder of images or a .zip of them (stylegan dataset makes one from any images), or leave out --data");
        Assert.False(Directory.Exists(runs));
    }

    [Fact]
    public void TrainNamesAMissingResumeFile()
    {
        var missing = Path.Combine(folder, "network-snapshot-000040.safetensors");
        var runs = Path.Combine(folder, "runs");
        AssertMissing(CliHarness.Run("train", "--resume", missing, "--outdir", runs, "--threads", "1"), "--resume", "file", missing, folder,
            "Give a training checkpoint (runs/.../network-snapshot-*.safetensors) to continue its run, auto for the newest under --outdir");
        Assert.False(Directory.Exists(runs));
    }

    // MISSING is a path in the test's folder that is not there (MISSING.npz one with that extension, MISSING:0=2 the
    // file of --direction FILE:K=S), OUT an output in it;
    // NETWORK, IMAGES and INCEPTION are fixtures that are there.
    [Theory]
    [InlineData("--network", "file", "Give the path of a network file", "metrics", "--network", "MISSING", "--threads", "1")]
    [InlineData("--network", "file", "Give the path of a network file", "serve", "--network", "MISSING")]
    [InlineData("INPUT", "file", "Give the path of a network file", "convert", "MISSING", "OUT")]
    [InlineData("--data", "folder or zip", "leave out --data", "metrics", "--network", "NETWORK", "--data", "MISSING", "--threads", "1")]
    [InlineData("--data", "folder or zip", "leave out --data", "train-classifier", "--data", "MISSING", "--out", "OUT", "--threads", "1")]
    [InlineData("--data", "folder or zip", "leave out --data", "augment", "--data", "MISSING", "--out", "OUT", "--threads", "1")]
    [InlineData("--data", "folder or zip", "leave out --data", "ladder", "--data", "MISSING", "--configs", "cpu-tiny", "--outdir", "OUT", "--threads", "1")]
    [InlineData("--source", "folder or zip", "images to prepare", "dataset", "--source", "MISSING", "--dest", "OUT")]
    [InlineData("--labels", "file", "Give a labels file", "dataset", "--source", "IMAGES", "--dest", "OUT", "--labels", "MISSING")]
    [InlineData("PATH_A", "folder, zip or .npz", "an .npz of their statistics", "fid", "MISSING", "IMAGES", "--inception", "INCEPTION", "--threads", "1")]
    [InlineData("--inception", "file", "pt_inception-2015-12-05-6726825d.pth", "metrics", "--network", "NETWORK", "--inception", "MISSING", "--metrics", "fid50k_full", "--threads", "1")]
    [InlineData("--inception", "file", "or leave out --inception", "train", "--inception", "MISSING", "--metrics", "fid50k_full", "--outdir", "OUT", "--threads", "1")]
    [InlineData("--vgg", "file", "vgg16-397923af.pth", "metrics", "--network", "NETWORK", "--vgg", "MISSING", "--metrics", "pr50k3_full", "--threads", "1")]
    [InlineData("--vgg", "file", "vgg16-397923af.pth", "serve", "--network", "NETWORK", "--vgg", "MISSING", "--threads", "1")]
    [InlineData("--clip", "file", "clip-vit-large-patch14-336.safetensors", "metrics", "--network", "NETWORK", "--clip", "MISSING", "--metrics", "cmmd", "--threads", "1")]
    [InlineData("--classifier", "file", "or leave out --classifier for the bundled one", "metrics", "--network", "NETWORK", "--classifier", "MISSING", "--num", "10", "--threads", "1")]
    [InlineData("--projected-w", "file", "projected_w.npz", "generate", "--network", "NETWORK", "--projected-w", "MISSING.npz", "--outdir", "OUT", "--threads", "1")]
    [InlineData("--direction", "file", "a file that stylegan directions wrote, as FILE:K", "generate", "--network", "NETWORK", "--direction", "MISSING:0=2", "--outdir", "OUT", "--threads", "1")]
    [InlineData("--target", "file", "Give the image to project", "project", "--network", "NETWORK", "--target", "MISSING", "--outdir", "OUT", "--steps", "1", "--threads", "1")]
    [InlineData("--run", "folder", "Give a training run's folder", "serve", "--run", "MISSING")]
    [InlineData("--folder", "folder", "Give a folder that holds network files", "serve", "--folder", "MISSING")]
    public void EveryInputFlagNamesItselfAndTheFix(string flag, string what, string fix, params string[] args)
    {
        var missing = Path.Combine(folder, "missing");
        string Value(string arg) => arg.StartsWith("MISSING") ? missing + arg["MISSING".Length..] : arg switch
        {
            "OUT" => Path.Combine(folder, "out"),
            "NETWORK" => Network,
            "IMAGES" => ReferenceData.Fixture("inception/fid/a"),
            "INCEPTION" => ReferenceData.Fixture("inception/inception-narrow.pth"),
            _ => arg,
        };
        string given = Value(args.Single(arg => arg.StartsWith("MISSING"))).Split(':')[0];
        AssertMissing(CliHarness.Run(args.Select(Value).ToArray()), flag, what, given, folder, fix);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }
}
