namespace StyleGan.Cli;

/// <summary>
/// How far apart two words are as typed: the optimal string alignment form of the Damerau-Levenshtein distance, the
/// fewest insertions, deletions, substitutions and swaps of two neighbouring characters that turn one into the other
/// (no character edited twice). A swap counts one, as "--seesd" is one slip from "--seeds".
/// </summary>
public static class EditDistance
{
    /// <param name="a">One word.</param>
    /// <param name="b">The other.</param>
    /// <returns>The distance, 0 for equal words (compared ordinally).</returns>
    public static int Between(string a, string b)
    {
        // d[i, j]: the distance between the first i characters of a and the first j of b.
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + substitution);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
