using System.Globalization;

namespace StyleGan.Random;

/// <summary>Seed lists as NVIDIA's tools write them: "0-63", "1,5,9", "0-3,10,20-22" (ranges inclusive, order and repeats kept).</summary>
public static class SeedList
{
    /// <param name="text">Comma-separated seeds and inclusive ranges.</param>
    /// <param name="option">The command-line option the text came from, named in error messages.</param>
    public static IReadOnlyList<uint> Parse(string text, string option = "--seeds")
    {
        var seeds = new List<uint>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            string[] ends = part.Split('-');
            if (ends.Length > 2 || !ends.All(IsDigits))
                throw new ArgumentException($"'{part}' in {option} is not a number or range like 0-63.");
            uint first = ToSeed(ends[0], part, option);
            uint last = ToSeed(ends[^1], part, option);
            if (last < first)
                throw new ArgumentException($"'{part}' in {option} runs backwards; write it as {last}-{first}.");
            for (ulong seed = first; seed <= last; seed++) seeds.Add((uint)seed);
        }
        return seeds;
    }

    // Digits only: no sign, no spaces inside, no empty parts (NumPy would refuse a negative seed anyway).
    static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    static uint ToSeed(string digits, string part, string option) =>
        uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint seed) ? seed
            : throw new ArgumentException($"'{part}' in {option} is above the largest seed, {uint.MaxValue}.");
}
