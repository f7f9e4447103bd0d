using System.Collections;
using System.Globalization;

namespace StyleGan.Random;

/// <summary>
/// A seed list as NVIDIA's tools write it: "0-63", "1,5,9", "0-3,10,20-22" (ranges inclusive, order and repeats
/// kept). It holds the ranges, not the seeds, so "0-4294967295" takes no memory per seed: enumerate it, or take it
/// in batches.
/// </summary>
public sealed class SeedList : IEnumerable<uint>
{
    readonly IReadOnlyList<(uint First, uint Last)> ranges;

    SeedList(IReadOnlyList<(uint First, uint Last)> ranges)
    {
        this.ranges = ranges;
        Count = ranges.Sum(r => (long)r.Last - r.First + 1);
    }

    /// <summary>How many seeds the list holds (up to 2^32 a range).</summary>
    public long Count { get; }

    /// <param name="text">Comma-separated seeds and inclusive ranges.</param>
    /// <param name="setting">The setting the text came from, named in errors (see InvalidValueException.Name).</param>
    public static SeedList Parse(string text, string setting = "Seeds")
    {
        var ranges = new List<(uint, uint)>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            string[] ends = part.Split('-');
            if (ends.Length > 2 || !ends.All(IsDigits))
                throw new InvalidValueException(setting, $"'{part}' in the seed list '{text}' is not a number or range like 0-63.");
            uint first = ToSeed(ends[0], part, setting);
            uint last = ToSeed(ends[^1], part, setting);
            if (last < first)
                throw new InvalidValueException(setting, $"'{part}' in the seed list '{text}' runs backwards; write it as {last}-{first}.");
            ranges.Add((first, last));
        }
        return new SeedList(ranges);
    }

    /// <summary>Whether the list holds <paramref name="seed"/>.</summary>
    public bool Contains(uint seed) => ranges.Any(r => r.First <= seed && seed <= r.Last);

    /// <summary>The seeds in order, at most <paramref name="size"/> at a time.</summary>
    public IEnumerable<IReadOnlyList<uint>> Batches(int size) => this.Chunk(Math.Max(size, 1));

    public IEnumerator<uint> GetEnumerator()
    {
        foreach (var (first, last) in ranges)
            for (ulong seed = first; seed <= last; seed++) yield return (uint)seed;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Digits only: no sign, no spaces inside, no empty parts (NumPy would refuse a negative seed anyway).
    static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    static uint ToSeed(string digits, string part, string setting) =>
        uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint seed) ? seed
            : throw new InvalidValueException(setting, $"'{part}' in the seed list is above the largest seed, {uint.MaxValue}.");
}
