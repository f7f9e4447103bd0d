using StyleGan.Data;

namespace StyleGan.Tests.Data;

/// <summary>A labels file a user wrote by hand is read as StyleGAN2-ADA writes it, and what cannot be right is refused naming it.</summary>
public sealed class DatasetLabelsTests
{
    [Theory]
    // 1e39 became infinity, and training a NaN loss (exit 3) instead of a refusal; dataset wrote it as an internal error.
    [InlineData("{\"labels\": [[\"a.png\", [1e39]]]}", "labels.json: Label of a.png holds a value beyond a float's range (about 3.4e38).")]
    // 2^31 - 1 overflowed the class count, and the set trained without labels.
    [InlineData("{\"labels\": [[\"a.png\", 2147483647]]}", "labels.json: Label of a.png is 2147483647: classes go from 0 to 99999.")]
    [InlineData("{\"labels\": [[\"a.png\", 0], [\"a.png\", 1]]}", "labels.json is not a StyleGAN dataset.json: a.png is listed twice.")]
    [InlineData("{\"labels\": [[\"a.png\", 0]", "labels.json is not valid JSON (cut off or malformed at line 1, column 25).")]
    public void WhatCannotBeRightIsRefusedNamingTheFile(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => DatasetLabels.ParseJson(json, "labels.json"));
        Assert.StartsWith(expected.TrimEnd('.'), error.Message);
    }

    [Fact]
    public void AByteOrderMarkIsRead()
    {
        var labels = DatasetLabels.ParseJson("\uFEFF{\"labels\": [[\"a.png\", 2]]}", "labels.json")!;
        Assert.Equal(3, labels.Dim);
    }

    [Fact]
    public void ACsvNamingAFileTwiceIsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => DatasetLabels.ParseCsv("a.png,1\nb.png,2\na.png,3\n", "labels.csv"));
        Assert.Equal("labels.csv line 3: a.png is listed twice.", error.Message);
    }
}
