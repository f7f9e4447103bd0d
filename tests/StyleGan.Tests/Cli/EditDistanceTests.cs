using StyleGan.Cli;

namespace StyleGan.Tests.Cli;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("--seeds", "--seeds", 0)]
    [InlineData("", "--seeds", 7)]
    [InlineData("--seedz", "--seeds", 1)]  // a substitution
    [InlineData("--seed", "--seeds", 1)]   // an insertion
    [InlineData("genrate", "generate", 1)] // a deletion, seen from the other side
    [InlineData("--seesd", "--seeds", 1)]  // two neighbours swapped
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ca", "abc", 3)]           // no character edited twice (optimal string alignment)
    public void CountsTheFewestEdits(string a, string b, int distance)
    {
        Assert.Equal(distance, EditDistance.Between(a, b));
        Assert.Equal(distance, EditDistance.Between(b, a));
    }
}
