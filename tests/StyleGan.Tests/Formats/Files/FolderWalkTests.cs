using StyleGan.Data;
using StyleGan.Files;
using StyleGan.Tests.Data;

namespace StyleGan.Tests.Formats.Files;

/// <summary>The walk of a data folder ends whatever links it holds: loops and repeats are reported, not followed.</summary>
public sealed class FolderWalkTests : TestImages
{
    static bool Any(string _) => true;

    [Fact]
    public void ALinkBackToAParentIsReportedAndNotFollowed()
    {
        GrayPng("set/a.png", 4, 10);
        GrayPng("set/sub/b.png", 4, 20);
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "sub", "loop"), Path.Combine(Folder, "set"));
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "self"), ".");

        var (files, skipped) = FolderWalk.Files(Path.Combine(Folder, "set"), Any);
        Assert.Equal(["a.png", "sub/b.png"], files.Order(StringComparer.Ordinal));
        Assert.Equal(["self", "sub/loop"], skipped.Select(s => s.File).Order(StringComparer.Ordinal));
        Assert.All(skipped, s => Assert.Contains("(a loop): not followed", s.Reason));
    }

    [Fact]
    public void LinksAreFollowedOnceAndNeverInPlaceOfTheFolderTheyLeadTo()
    {
        GrayPng("set/z/c.png", 4, 30);
        GrayPng("elsewhere/d.png", 4, 40);
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "a-to-z"), Path.Combine(Folder, "set", "z"));
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "out"), Path.Combine(Folder, "elsewhere"));
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "out-again"), Path.Combine(Folder, "elsewhere"));
        File.CreateSymbolicLink(Path.Combine(Folder, "set", "file-link.png"), Path.Combine(Folder, "elsewhere", "d.png"));
        File.CreateSymbolicLink(Path.Combine(Folder, "set", "broken.png"), Path.Combine(Folder, "nothing.png"));

        var (files, skipped) = FolderWalk.Files(Path.Combine(Folder, "set"), Any);
        Assert.Equal(["file-link.png", "out/d.png", "z/c.png"], files.Order(StringComparer.Ordinal));
        Assert.Equal([("a-to-z", "a link to z, listed already: not followed"), ("broken.png", "a link that leads nowhere (its target is missing, or links loop)"),
            ("out-again", "a link to out, listed already: not followed")], skipped.OrderBy(s => s.File, StringComparer.Ordinal));
    }

    [Fact]
    public void WhatIsNotARegularFileIsReportedOnlyWhenWanted()
    {
        GrayPng("set/a.png", 4, 10);
        Fifo.Create(Path.Combine(Folder, "set", "pipe.png"));
        Fifo.Create(Path.Combine(Folder, "set", "pipe.log"));
        var (files, skipped) = FolderWalk.Files(Path.Combine(Folder, "set"), file => file.EndsWith(".png"));
        Assert.Equal(["a.png"], files);
        Assert.Equal([("pipe.png", "not a regular file (a FIFO, device or socket)")], skipped);
    }

    [Fact]
    public void DatasetsOverALoopOpenAndNameTheLink()
    {
        GrayPng("set/a/x.png", 4, 10);
        GrayPng("set/b.png", 4, 20);
        Directory.CreateSymbolicLink(Path.Combine(Folder, "set", "a", "up"), "..");

        using (var dataset = ImageDataset.Open(Path.Combine(Folder, "set")))
        {
            Assert.Equal(2, dataset.Count);
            Assert.Equal("a/up", Assert.Single(dataset.Skipped).File);
        }
        var report = DatasetTool.Convert(new DatasetToolOptions { Source = Path.Combine(Folder, "set"), Destination = Path.Combine(Folder, "out") });
        Assert.Equal(2, report.Written);
        Assert.Contains("a loop", Assert.Single(report.Skipped).Reason);
    }
}
