namespace StyleGan.Tests;

/// <summary>Printed command lines read back by a POSIX shell as the words they were made of.</summary>
public sealed class ShellWordTests
{
    [Theory]
    [InlineData("runs/00000-mnist32-cpu-tiny/network-snapshot-000040.safetensors", "runs/00000-mnist32-cpu-tiny/network-snapshot-000040.safetensors")]
    [InlineData("--metrics=fid10k_mnist,kid10k_mnist", "--metrics=fid10k_mnist,kid10k_mnist")]
    [InlineData("my runs", "'my runs'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("*.pkl", "'*.pkl'")]
    [InlineData("", "''")]
    public void QuotesWhatTheShellWouldSplitOrExpand(string word, string expected) => Assert.Equal(expected, ShellWord.Quote(word));

    [Fact]
    public void ABashReadsTheLineBackAsTheSameWords()
    {
        string[] words = ["printf", "%s\\n", "a b", "it's", "", "$(id)", "ü"];
        var bash = new System.Diagnostics.ProcessStartInfo("bash", ["-c", ShellWord.Join(words)]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(bash)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(string.Concat(words[2..].Select(w => w + "\n")), output);
    }
}
