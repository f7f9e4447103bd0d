using StyleGan.Files;

namespace StyleGan.Tests.Formats.Files;

/// <summary>The overwrite rule: what exists is kept unless forced, and never an input, a folder holding one, or a non-regular file.</summary>
public sealed class OutputRuleTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("output-rule-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Existing(string name, string content = "precious")
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    static InvalidValueException Refused(Action check)
    {
        var error = Assert.Throws<InvalidValueException>(check);
        Assert.Equal("Out", error.Name);
        return error;
    }

    [Fact]
    public void AnExistingFileIsKeptUnlessForced()
    {
        var file = Existing("a.bin");
        var error = Refused(() => new OutputRule("Out", force: false).File(file));
        Assert.Contains(file, error.Message);
        Assert.Contains("`Force`", error.Message);
        Assert.Equal(file, new OutputRule("Out", force: true).File(file));
        Assert.Equal(Path.Combine(folder, "new.bin"), new OutputRule("Out", force: false).File(Path.Combine(folder, "new", "..", "new.bin")));
    }

    [Fact]
    public void TheInputIsNeverTheOutputHoweverItIsSpelled()
    {
        var input = Existing("in/a.bin");
        var link = Path.Combine(folder, "link.bin");
        File.CreateSymbolicLink(link, input);
        var hardLink = Path.Combine(folder, "hard.bin");
        Assert.Equal(0, Link(input, hardLink));
        var rule = new OutputRule("Out", force: true, input);
        foreach (var spelling in new[] { input, Path.Combine(folder, "in", ".", "a.bin"), Path.Combine(folder, "in", "..", "in", "a.bin"), link, hardLink })
            Assert.Contains("is the input", Refused(() => rule.File(spelling)).Message);
        // The other way round: the input given through a link, the output as the file itself.
        Assert.Contains("is the input", Refused(() => new OutputRule("Out", force: true, link).File(input)).Message);
        Assert.Equal("precious", File.ReadAllText(input));
    }

    [Fact]
    public void AFolderThatHoldsAnInputIsNeverReplaced()
    {
        var input = Existing("p/src/a.png");
        var throughLink = Path.Combine(folder, "alias");
        Directory.CreateSymbolicLink(throughLink, Path.Combine(folder, "p"));
        var rule = new OutputRule("Out", force: true, Path.Combine(throughLink, "src"));
        var error = Refused(() => rule.ReplacedFolder(Path.Combine(folder, "p")));
        Assert.Contains("holds the input", error.Message);
        Assert.Contains("is the input", Refused(() => rule.ReplacedFolder(Path.Combine(folder, "p", "src"))).Message);
        Assert.True(File.Exists(input));
    }

    [Fact]
    public void OnlyRegularFilesAreReplaced()
    {
        var fifo = Fifo.Create(Path.Combine(folder, "fifo"));
        var link = Path.Combine(folder, "link");
        File.CreateSymbolicLink(link, Existing("target"));
        var rule = new OutputRule("Out", force: true);
        Assert.Contains("not a regular file", Refused(() => rule.File(fifo)).Message);
        Assert.Contains("not a regular file", Refused(() => rule.File("/dev/null")).Message);
        Assert.Contains("symbolic link", Refused(() => rule.File(link)).Message);
        Assert.Contains("is a folder", Refused(() => rule.File(folder)).Message);
        Assert.Contains("not a regular file", Refused(() => rule.ReplacedFolder(fifo)).Message);
        Assert.Equal(PathKind.Other, PathIdentity.Kind(fifo));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(folder, "target")));
    }

    [Fact]
    public void AFolderWrittenWholeIsReplacedOnlyWhenEmptyOrForced()
    {
        Directory.CreateDirectory(Path.Combine(folder, "empty"));
        Existing("full/keep.txt");
        Assert.Equal(Path.Combine(folder, "empty"), new OutputRule("Out", force: false).ReplacedFolder(Path.Combine(folder, "empty")));
        Assert.Contains("`Force`", Refused(() => new OutputRule("Out", force: false).ReplacedFolder(Path.Combine(folder, "full"))).Message);
        new OutputRule("Out", force: true).ReplacedFolder(Path.Combine(folder, "full"));
    }

    [Fact]
    public void WhereAFileWouldGoMustBeAFolderItCanWrite()
    {
        var file = Existing("file");
        var rule = new OutputRule("Out", force: false);
        var error = Refused(() => rule.File(Path.Combine(file, "sub", "out.bin")));
        Assert.Contains($"{file} is a file", error.Message);
        Assert.Contains("is not a folder", Refused(() => rule.Folder(file)).Message);
        Assert.Equal(Path.Combine(folder, "a", "b"), rule.Folder(Path.Combine(folder, "a", "b")));
        Assert.False(Directory.Exists(Path.Combine(folder, "a"))); // checking creates nothing
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AFolderWithoutWritePermissionIsRefused()
    {
        Skip.If(Environment.UserName == "root", "root may write into any folder");
        var locked = Directory.CreateDirectory(Path.Combine(folder, "locked")).FullName;
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assert.Contains("cannot write into", Refused(() => new OutputRule("Out", force: false).File(Path.Combine(locked, "x"))).Message);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link")]
    static extern int Link(string existing, string created);
}
