using StyleGan.Files;

namespace StyleGan.Tests.Formats.Files;

public sealed class AtomicFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("atomic-file-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void WritesWholeThroughATemporaryThatItRemoves()
    {
        var path = Path.Combine(folder, "sub", "a.txt");
        AtomicFile.Write(path, stream => stream.Write("one"u8));
        AtomicFile.Write(path, stream => stream.Write("two"u8));
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal(["a.txt"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal(path + $".tmp{Environment.ProcessId}", AtomicFile.TemporaryPath(path));
    }

    [Fact]
    public void RefusesBeforeWritingWhatIsNotARegularFile()
    {
        var fifo = Fifo.Create(Path.Combine(folder, "fifo"));
        var link = Path.Combine(folder, "link");
        File.CreateSymbolicLink(link, Path.Combine(folder, "target"));
        foreach (var path in new[] { fifo, link, folder })
        {
            bool wrote = false;
            var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => wrote = true));
            Assert.Contains(path, error.Message);
            Assert.False(wrote);
        }
        Assert.Equal(PathKind.Other, PathIdentity.Kind(fifo));
        Assert.Equal(PathKind.Link, PathIdentity.Kind(link));
    }

    [Fact]
    public void DeletesOnlyTheTemporariesOfProcessesThatAreGone()
    {
        const int Gone = 999_999_999; // above any pid_max
        string Make(string name) { var path = Path.Combine(folder, name); File.WriteAllText(path, "x"); return path; }
        var dead = Make($"network-snapshot-000004.safetensors.tmp{Gone}");
        var mine = Make($"fakes000004.png.tmp{Environment.ProcessId}");
        var running = Make("fakes000008.png.tmp1"); // init is always running
        var kept = new[] { running, Make("network-snapshot-000004.safetensors"), Make("notes.tmp"), Make("a.tmpx1") };
        Directory.CreateDirectory(Path.Combine(folder, $"dataset.tmp{Gone}"));

        Assert.Equal(new[] { mine, dead }.Order(StringComparer.Ordinal), AtomicFile.DeleteStale(folder));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.False(File.Exists(dead));
        Assert.True(Directory.Exists(Path.Combine(folder, $"dataset.tmp{Gone}"))); // files only
    }
}
