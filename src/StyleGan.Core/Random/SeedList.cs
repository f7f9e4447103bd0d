using System.Globalization;

namespace StyleGan.Random;

/// <summary>Seed lists as NVIDIA's tools write them: "0-63", "1,5,9", "0-3,10,20-22" (ranges inclusive, order and repeats kept).</summary>
public static class SeedList
{
    /// <param name="text">Comma-separated seeds and inclusive ranges.</param>
    /// <param name="setting">The setting the text came from, named in errors (see InvalidValueException.Name).</param>
    public static IReadOnlyList<uint> Parse(string text, string setting = "Seeds")
    {
        var seeds = new List<uint>();
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
            for (ulong seed = first; seed <= last; seed++) seeds.Add((uint)seed);
        }
        return seeds;
    }

    // Digits only: no sign, no spaces inside, no empty parts (NumPy would refuse a negative seed anyway).
    static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    static uint ToSeed(string digits, string part, string setting) =>
        uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint seed) ? seed
            : throw new InvalidValueException(setting, $"'{part}' in the seed list is above the largest seed, {uint.MaxValue}.");
}
