using StyleGan.Runtime;
using static TorchSharp.torch;

namespace StyleGan.Tests.Runtime;

/// <summary>The measured fused/unfused choice: taken once per shape, from both paths, and pinned by the policy.</summary>
[Collection(ExactResults.Collection)] // the policy is process-wide
public sealed class ModulatedConvChoiceTests
{
    [Fact]
    public void FirstCallOfAShapeRunsBothPathsTwiceAndLaterCallsOnlyTheChosenOne()
    {
        ModulatedConvChoice.Reset();
        var x = randn(2, 3, 5, 5);
        var weight = randn(4, 3, 3, 3);
        var calls = new List<bool>();
        Tensor Path(bool fused) { calls.Add(fused); return full(new long[] { 1 }, fused ? 1f : 0f); }

        using (no_grad())
        {
            var first = ModulatedConvChoice.Run(x, weight, "test shape", Path);
            var decision = Assert.Single(ModulatedConvChoice.Decisions).Value;
            Assert.Equal(decision.Fused ? new[] { true, false, true, false, true } : new[] { true, false, true, false }, calls);
            Assert.Equal(decision.Fused ? 1f : 0f, first.item<float>());
            Assert.Equal(decision.Fused, decision.FusedSeconds <= decision.UnfusedSeconds);

            calls.Clear();
            var second = ModulatedConvChoice.Run(x, weight, "test shape", Path);
            Assert.Equal(new[] { decision.Fused }, calls);
            Assert.Equal(first.item<float>(), second.item<float>());

            calls.Clear();
            ModulatedConvChoice.Run(randn(3, 3, 5, 5), weight, "test shape", Path); // another batch is another shape
            Assert.InRange(calls.Count, 4, 5);
            Assert.Equal(2, ModulatedConvChoice.Decisions.Count);
        }
    }

    [Fact]
    public void CallsThatRecordGradientsTakeTheUnfusedPathWithoutMeasuring()
    {
        ModulatedConvChoice.Reset();
        var calls = new List<bool>();
        ModulatedConvChoice.Run(randn(1, 3, 4, 4, requires_grad: true), randn(4, 3, 3, 3), "test", fused => { calls.Add(fused); return zeros(1); });
        Assert.Equal(new[] { false }, calls);
        Assert.Empty(ModulatedConvChoice.Decisions);
    }

    [Fact]
    public void ChoicesAreKeptInTheCacheFileForTheNextProcessAndAnUnreadableFileIsReplaced()
    {
        string file = Path.Combine(TestCache.Folder, $"modconv-{Guid.NewGuid():N}.json");
        try
        {
            ModulatedConvChoice.CacheFile = file;
            ModulatedConvChoice.Reset();
            var calls = new List<bool>();
            Tensor Path(bool fused) { calls.Add(fused); return zeros(1); }
            using (no_grad())
            {
                ModulatedConvChoice.Run(randn(1, 3, 4, 4), randn(4, 3, 3, 3), "cached", Path);
                Assert.True(File.Exists(file));
                bool chosen = Assert.Single(ModulatedConvChoice.Decisions).Value.Fused;

                ModulatedConvChoice.Reset(); // as a new process: only the file knows the choice
                calls.Clear();
                ModulatedConvChoice.Run(randn(1, 3, 4, 4), randn(4, 3, 3, 3), "cached", Path);
                Assert.Equal(new[] { chosen }, calls);

                File.WriteAllText(file, "{ not json");
                ModulatedConvChoice.Reset();
                calls.Clear();
                ModulatedConvChoice.Run(randn(1, 3, 4, 4), randn(4, 3, 3, 3), "cached", Path);
                Assert.InRange(calls.Count, 4, 5);
                Assert.Contains("cached", File.ReadAllText(file));
            }
        }
        finally
        {
            ModulatedConvChoice.CacheFile = null;
            ModulatedConvChoice.Reset();
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(ModulatedConvPolicy.Fused, true)]
    [InlineData(ModulatedConvPolicy.Unfused, false)]
    public void APinnedPolicyRunsOnlyItsPath(ModulatedConvPolicy policy, bool fused)
    {
        ModulatedConvChoice.Reset();
        var calls = new List<bool>();
        try
        {
            ModulatedConvChoice.Policy = policy;
            using (no_grad())
                ModulatedConvChoice.Run(randn(1, 3, 4, 4), randn(4, 3, 3, 3), "test", path => { calls.Add(path); return zeros(1); });
        }
        finally
        {
            ModulatedConvChoice.Policy = ModulatedConvPolicy.Measured;
        }
        Assert.Equal(new[] { fused }, calls);
        Assert.Empty(ModulatedConvChoice.Decisions);
    }
}
