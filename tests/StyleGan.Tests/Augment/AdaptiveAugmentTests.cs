using StyleGan.Augment;
using static TorchSharp.torch;

namespace StyleGan.Tests.Augment;

public sealed class AdaptiveAugmentTests
{
    [Fact]
    public void PMovesBySignOfRtMinusTargetTimesBatchTimesIntervalOverSpeed()
    {
        var ada = new AdaptiveAugment(target: 0.6, interval: 4, speedKimg: 500);
        double step = 32 * 4 / (500 * 1000.0);
        double p = 0.1;
        // r_t = 0.75 over the interval's logits (7 positive, 1 negative per minibatch): p rises by one step at the 4th minibatch only.
        var logits = tensor(new float[] { 1, 2, 3, -1, 0.5f, 4, 5, 2 });
        for (long batchIndex = 1; batchIndex <= 4; batchIndex++)
        {
            ada.Collect(logits);
            double next = ada.Adjust(p, batchIndex, batch: 32);
            Assert.Equal(batchIndex == 4 ? p + step : p, next, 12);
            p = next;
        }
        Assert.Equal(0, ada.SignCount); // the interval's signs are forgotten once used

        // r_t = -0.5 < 0.6: down by a step, and never below 0.
        for (long batchIndex = 5; batchIndex <= 8; batchIndex++)
        {
            ada.Collect(tensor(new float[] { -1, -1, -1, 1 }));
            p = ada.Adjust(p, batchIndex, batch: 32);
        }
        Assert.Equal(0.1, p, 12);
        var clamped = new AdaptiveAugment();
        clamped.Collect(tensor(new float[] { -1, -1 }));
        Assert.Equal(0, clamped.Adjust(1e-6, 4, 32));

        // r_t exactly at the target leaves p where it is (sign 0), as np.sign does.
        var atTarget = new AdaptiveAugment(target: 0.5, interval: 1);
        atTarget.Collect(tensor(new float[] { 1, 1, 1, -1 }));
        Assert.Equal(0.3, atTarget.Adjust(0.3, 1, 4));
    }
}
