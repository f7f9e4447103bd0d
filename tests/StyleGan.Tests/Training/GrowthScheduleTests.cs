using StyleGan.Training;
using static TorchSharp.torch;

namespace StyleGan.Tests.Training;

/// <summary>Progressive growing's schedule and real images, against values worked out by hand.</summary>
public sealed class GrowthScheduleTests
{
    [Fact]
    public void LodFollowsTheOriginalTrainingSchedule()
    {
        var schedule = new GrowthSchedule { InitialResolution = 8, TrainingKimg = 4, TransitionKimg = 4 };
        // 32x32 from 8x8: lod 2 for 4 kimg, a fade to 1 over the next 4, 1 for 4, a fade to 0, then 0.
        var expected = new (double Kimg, double Lod)[] { (0, 2), (3.9, 2), (4, 2), (6, 1.5), (8, 1), (11, 1), (13, 0.75), (16, 0), (100, 0) };
        foreach (var (kimg, lod) in expected) Assert.Equal(lod, schedule.Lod(kimg, 32), 12);
        Assert.Equal(3, (schedule with { InitialResolution = 4 }).Lod(0, 32));
        Assert.Equal(16, StyleGan.Networks.LevelOfDetail.ActiveResolution(32, 1.5)); // a fade is at the resolution it fades in
        Assert.True(GrowthSchedule.NewLayers(2, 1.9));          // a fade starts
        Assert.True(GrowthSchedule.NewLayers(1.1, 1));          // and ends
        Assert.False(GrowthSchedule.NewLayers(1.5, 1.4));
    }

    [Fact]
    public void RealsAreTheLevelOfTheLodFadedAndUpsampled()
    {
        // One 4x4 gray image: its 2x2 level is the rounded mean of each square, its 1x1 level the rounded mean of all.
        var image = tensor(new byte[] { 0, 2, 10, 10, 4, 7, 10, 10, 100, 100, 255, 255, 100, 100, 255, 254 }).reshape(1, 1, 4, 4);
        static float Signed(double v) => (float)(v / 127.5 - 1);
        Assert.True((ProgressiveReals.At(image, 0) == StyleGan.Images.PixelRange.FromUint8(image)).all().item<bool>());

        var level1 = ProgressiveReals.At(image, 1).data<float>().ToArray(); // squares: 13/4 -> 3, 10, 100, 1019/4 -> 255 (254.75)
        Assert.Equal(new[] { Signed(3), Signed(3), Signed(10), Signed(10) }, level1.Take(4));
        Assert.Equal(Signed(255), level1[15]);

        // lod 1.5: halfway between the 2x2 level and its own 1x1 mean, (3 + 10 + 100 + 255) / 4 = 92.
        var faded = ProgressiveReals.At(image, 1.5).data<float>();
        Assert.Equal((Signed(3) + Signed(92.0)) / 2, faded[0], 5);
    }
}
