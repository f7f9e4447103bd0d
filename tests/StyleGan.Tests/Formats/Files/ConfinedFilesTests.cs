using StyleGan.Files;

namespace StyleGan.Tests.Formats.Files;

/// <summary>The read rule for paths someone else chose: links followed only while they stay inside, regular files only, reads bounded by what is read.</summary>
public sealed class ConfinedFilesTests : IDisposable
{
    readonly string inside = Directory.CreateTempSubdirectory("confined-in").FullName;
    readonly string outside = Directory.CreateTempSubdirectory("confined-out").FullName;

    public ConfinedFilesTests()
    {
        File.WriteAllText(Path.Combine(inside, "a.txt"), "inside");
        File.WriteAllText(Path.Combine(outside, "b.txt"), "outside");
        Directory.CreateDirectory(Path.Combine(inside, "sub"));
    }

    public void Dispose()
    {
        Directory.Delete(inside, recursive: true);
        Directory.Delete(outside, recursive: true);
    }

    ReadRefusal Refusal(ConfinedFiles files, string path) => Assert.Throws<ReadRefusedException>(() => files.Resolve(path)).Reason;

    void Link(string name, string target) => File.CreateSymbolicLink(Path.Combine(inside, name), target);

    [Fact]
    public void LinksAreFollowedOnlyWhileTheyStayInside()
    {
        var files = new ConfinedFiles([inside]);
        Link("alias.txt", "a.txt");
        Link("sub/up.txt", "../a.txt");
        Link("absolute.txt", Path.Combine(inside, "sub", "..", "a.txt"));
        Link("out", outside);
        Link("two-hops.txt", Path.Combine(inside, "out", "b.txt"));
        Link("two-hops-missing.txt", Path.Combine(inside, "out", "none.txt"));
        Link("relative-out.txt", "../" + Path.GetFileName(outside) + "/b.txt");
        Link("loop", "loop");
        Link("dangling.txt", "none.txt");
        string a = Path.Combine(inside, "a.txt");
        foreach (var path in new[] { "a.txt", "alias.txt", "sub/up.txt", "absolute.txt", "sub/../a.txt", Path.Combine(inside, "alias.txt") })
            Assert.Equal(a, files.Resolve(path));
        foreach (var path in new[] { "two-hops.txt", "two-hops-missing.txt", "relative-out.txt", "out/b.txt", "../" + Path.GetFileName(outside) + "/b.txt", Path.Combine(outside, "b.txt"), "/etc/passwd" })
            Assert.Equal(ReadRefusal.Outside, Refusal(files, path));
        Assert.Equal(ReadRefusal.LinkLoop, Refusal(files, "loop"));
        Assert.Equal(ReadRefusal.Missing, Refusal(files, "dangling.txt"));
        Assert.Equal(ReadRefusal.Missing, Refusal(files, "a.txt/more"));
        Assert.Equal(ReadRefusal.NotRegular, Refusal(files, "sub"));
    }

    [Fact]
    public void DevicesAndFifosAreRefusedWithoutWaiting()
    {
        Fifo.Create(Path.Combine(inside, "fifo"));
        Assert.Equal(ReadRefusal.NotRegular, Assert.Throws<ReadRefusedException>(() => new ConfinedFiles([inside]).ReadAllBytes("fifo", 100)).Reason);
        var devices = new ConfinedFiles(["/dev"]);
        foreach (var device in new[] { "/dev/zero", "/dev/urandom", "/dev/null" })
            Assert.Equal(ReadRefusal.NotRegular, Assert.Throws<ReadRefusedException>(() => devices.ReadAllBytes(device, 100)).Reason);
    }

    [Fact]
    public void ReadsAreBoundedByTheBytesRead()
    {
        var files = new ConfinedFiles([inside]);
        File.WriteAllBytes(Path.Combine(inside, "k.bin"), new byte[1000]);
        Assert.Equal(1000, files.ReadAllBytes("k.bin", 1000).Length);
        Assert.Equal(ReadRefusal.TooLarge, Assert.Throws<ReadRefusedException>(() => files.ReadAllBytes("k.bin", 999)).Reason);
    }

    [Fact]
    public void AFolderReplacedByALinkSinceItWasGivenIsNotFollowed()
    {
        string root = Path.Combine(inside, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "b.txt"), "mine");
        var files = new ConfinedFiles([root]);
        Assert.Equal("mine"u8.ToArray(), files.ReadAllBytes("b.txt", 100));
        Directory.Move(root, root + "-moved");
        Directory.CreateSymbolicLink(root, outside);
        Assert.Equal(ReadRefusal.Missing, Assert.Throws<ReadRefusedException>(() => files.ReadAllBytes("b.txt", 100)).Reason);
        Assert.Empty(files.List(_ => true, depth: 2, limit: 100));
    }

    [Fact]
    public void AListingHoldsWhatCanBeOpenedAndNothingElse()
    {
        var files = new ConfinedFiles([inside]);
        Link("out", outside);
        Link("outside-file.txt", Path.Combine(outside, "b.txt"));
        Link("sub/alias.txt", "../a.txt");
        Link("sub/again", "..");
        Fifo.Create(Path.Combine(inside, "fifo"));
        File.WriteAllText(Path.Combine(inside, "sub", "c.txt"), "c");
        Assert.Equal([Path.Combine(inside, "a.txt"), Path.Combine(inside, "sub", "c.txt")], files.List(_ => true, depth: 3, limit: 100).Order(StringComparer.Ordinal));
    }
}
