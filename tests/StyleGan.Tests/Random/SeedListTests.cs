using StyleGan.Random;

namespace StyleGan.Tests.Random;

public sealed class SeedListTests
{
    [Theory]
    [InlineData("0-3", new uint[] { 0, 1, 2, 3 })]
    [InlineData("1,5,9", new uint[] { 1, 5, 9 })]
    [InlineData("0-3,10,20-22", new uint[] { 0, 1, 2, 3, 10, 20, 21, 22 })]
    [InlineData("7", new uint[] { 7 })]
    [InlineData("5-5", new uint[] { 5 })]
    [InlineData("3, 1 ,3", new uint[] { 3, 1, 3 })]
    [InlineData("4294967294-4294967295", new uint[] { 4294967294, 4294967295 })]
    public void ParsesNumbersAndInclusiveRangesInOrder(string text, uint[] expected) =>
        Assert.Equal(expected, SeedList.Parse(text));

    [Fact]
    public void SixtyFourSeedsFromTheUsualRange() => Assert.Equal(64, SeedList.Parse("0-63").Count);

    [Fact]
    public void TheWholeRangeTakesNoMemoryPerSeed()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var all = SeedList.Parse("0-4294967295,7");
        Assert.Equal(4294967297L, all.Count);
        var batches = all.Batches(3).Take(2).ToList();
        Assert.Equal(new uint[] { 0, 1, 2 }, batches[0]);
        Assert.Equal(new uint[] { 3, 4, 5 }, batches[1]);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000, "parsing and batching allocated per seed");
    }

    [Theory]
    [InlineData("x", "'x'")]
    [InlineData("1,,2", "''")]
    [InlineData("", "''")]
    [InlineData("-3", "'-3'")]
    [InlineData("1-2-3", "'1-2-3'")]
    [InlineData("0-", "'0-'")]
    [InlineData("1.5", "'1.5'")]
    public void RefusesWhatIsNotANumberOrRange(string text, string named)
    {
        var error = Assert.Throws<InvalidValueException>(() => SeedList.Parse(text));
        Assert.Equal("Seeds", error.Name);
        Assert.Equal($"{named} in the seed list '{text}' is not a number or range like 0-63.", error.Message);
    }

    [Fact]
    public void RefusesSeedsAboveTheLargest()
    {
        var error = Assert.Throws<InvalidValueException>(() => SeedList.Parse("1,4294967296"));
        Assert.Equal("'4294967296' in the seed list is above the largest seed, 4294967295.", error.Message);
    }

    [Fact]
    public void RefusesBackwardRangesNamingTheSetting()
    {
        var error = Assert.Throws<InvalidValueException>(() => SeedList.Parse("9-3", "Rows"));
        Assert.Equal("Rows", error.Name);
        Assert.Equal("'9-3' in the seed list '9-3' runs backwards; write it as 3-9.", error.Message);
    }
}
