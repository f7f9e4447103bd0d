namespace StyleGan.Random;

/// <summary>
/// NumPy's legacy <c>np.random.RandomState(seed)</c>: MT19937 with its 53-bit doubles and the polar Gaussian that
/// keeps its second value for the next call. NVIDIA's tools draw latents as <c>RandomState(seed).randn(z_dim)</c>,
/// so matching it bit for bit makes a seed here name the same image as there.
/// </summary>
public sealed class NumpyRandomState
{
    const int StateLength = 624;
    const int Shift = 397;
    readonly uint[] state = new uint[StateLength];
    int position;
    bool hasGauss;
    double gauss;

    /// <param name="seed">Integer seed, as in <c>RandomState(seed)</c> (NumPy accepts exactly 0..2^32-1).</param>
    public NumpyRandomState(uint seed)
    {
        // NumPy seeds an integer with init_genrand, not init_by_array (that path is for arrays of seeds).
        state[0] = seed;
        for (int i = 1; i < StateLength; i++)
            state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i;
        position = StateLength;
    }

    /// <summary>A double uniform on [0, 1) from 53 random bits: <c>random_sample()</c>.</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>One standard normal value: <c>standard_normal()</c>.</summary>
    public double StandardNormal()
    {
        if (hasGauss)
        {
            hasGauss = false;
            return gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * RandomSample() - 1.0;
            x2 = 2.0 * RandomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /// <summary><c>standard_normal(count)</c>, the same stream as <c>randn(count)</c>.</summary>
    public double[] StandardNormal(int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = StandardNormal();
        return values;
    }

    /// <summary><c>randn(count)</c> rounded to float32, as <c>torch.from_numpy(z).to(torch.float32)</c> rounds it.</summary>
    public float[] Randn(int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)StandardNormal();
        return values;
    }

    /// <summary>
    /// <c>randint(high)</c>: an integer in [0, high), drawn as NumPy's legacy generator draws it (32-bit words masked
    /// to the range's bits, redrawn while above it).
    /// </summary>
    /// <param name="high">One past the largest value.</param>
    public int RandomInteger(int high)
    {
        if (high <= 0) throw new ArgumentOutOfRangeException(nameof(high), high, "randint needs high > 0.");
        uint range = (uint)(high - 1);
        if (range == 0) return 0;
        uint mask = range;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        do value = NextUInt32() & mask; while (value > range);
        return (int)value;
    }

    /// <summary><c>shuffle(items)</c>: NumPy's Fisher-Yates from the end, each position's partner drawn as <see cref="RandomInteger"/> draws.</summary>
    /// <param name="items">Shuffled in place.</param>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = RandomInteger(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    uint NextUInt32()
    {
        if (position == StateLength) Regenerate();
        uint y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    void Regenerate()
    {
        for (int i = 0; i < StateLength; i++)
        {
            uint y = (state[i] & 0x80000000u) | (state[(i + 1) % StateLength] & 0x7fffffffu);
            state[i] = state[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1) == 0 ? 0u : 0x9908b0dfu);
        }
        position = 0;
    }
}
