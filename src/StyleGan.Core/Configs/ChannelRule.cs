namespace StyleGan.Configs;

/// <summary>Feature channels at each resolution: channels(res) = min(channel_base / res, channel_max), the official rule.</summary>
public static class ChannelRule
{
    public static int Channels(int channelBase, int channelMax, int resolution) => Math.Min(channelBase / resolution, channelMax);

    /// <summary>log2 of a resolution, which must be a power of two of at least 4.</summary>
    public static int Log2Resolution(int resolution)
    {
        if (resolution < 4 || (resolution & (resolution - 1)) != 0)
            throw new ArgumentException($"Resolution {resolution} is not a power of two >= 4.", nameof(resolution));
        return System.Numerics.BitOperations.Log2((uint)resolution);
    }
}
