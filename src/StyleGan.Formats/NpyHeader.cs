namespace StyleGan.Formats;

/// <summary>
/// The header of a NumPy .npy file: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (1, 18, 512), }</c>. It is parsed, never evaluated: only
/// the three keys NumPy writes, strings, True/False and tuples of integers are understood, and nothing else is accepted.
/// </summary>
/// <param name="Descr">The dtype as NumPy spells it ('&lt;f4': little-endian float32).</param>
/// <param name="FortranOrder">Whether the data is stored column-major.</param>
/// <param name="Shape">The array's shape.</param>
sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>The most dimensions read (NumPy 2 allows 64, NumPy 1 allowed 32; a latent file has 3).</summary>
    public const int MaxDimensions = 64;

    /// <summary>The header text exactly as NumPy's <c>np.save</c> writes it, before its padding.</summary>
    public string Format()
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        string text = $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        // NumPy leaves room for the first axis to grow to 21 digits, so that appending rewrites the header in place.
        return Shape.Length > 0 ? text + new string(' ', 21 - Shape[0].ToString().Length) : text;
    }

    /// <summary>Parses a header's text, or throws InvalidDataException naming <paramref name="source"/>.</summary>
    /// <param name="text">The header, padding included.</param>
    /// <param name="source">The file (and entry) it is from, for messages.</param>
    public static NpyHeader Parse(string text, string source) => new Parser(text, source).Header();

    sealed class Parser(string text, string source)
    {
        int position;

        public NpyHeader Header()
        {
            string? descr = null;
            bool? fortranOrder = null;
            long[]? shape = null;
            Expect('{');
            // Entries end in ", " as NumPy writes them, or the last one without.
            while (!Accept('}'))
            {
                string key = String();
                Expect(':');
                switch (key)
                {
                    case "descr" when descr is null:
                        if (Peek() is '[' or '{')
                            throw Bad("it holds a structured array (named fields), which this tool does not read; save each field as an array of its own");
                        descr = String();
                        break;
                    case "fortran_order" when fortranOrder is null:
                        fortranOrder = Boolean();
                        break;
                    case "shape" when shape is null:
                        shape = Tuple();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Bad($"its header names '{key}' twice");
                    default:
                        throw Bad($"its header has the key '{key}', which is not one of the three NumPy writes (descr, fortran_order, shape)");
                }
                if (Accept(',')) continue;
                Expect('}', "',' or '}'");
                break;
            }
            SkipSpace();
            if (position < text.Length) throw Bad($"its header goes on after the closing brace ('{Excerpt()}')");
            if (descr is null || fortranOrder is null || shape is null)
                throw Bad("its header lacks " + string.Join(" and ", new[] { ("descr", descr is null), ("fortran_order", fortranOrder is null), ("shape", shape is null) }
                    .Where(missing => missing.Item2).Select(missing => missing.Item1)));
            return new NpyHeader(descr, fortranOrder.Value, shape);
        }

        string String()
        {
            SkipSpace();
            char quote = position < text.Length ? text[position] : '\0';
            if (quote is not ('\'' or '"')) throw Expected("a quoted string");
            int end = text.IndexOf(quote, position + 1);
            if (end < 0) throw Bad("its header has a string that never ends");
            string value = text[(position + 1)..end];
            // NumPy's own keys and dtypes need no escapes; a string with one is not from a plain array.
            if (value.Contains('\\')) throw Bad($"its header has the string '{value}' with an escape, which no plain array's header needs");
            position = end + 1;
            return value;
        }

        bool Boolean()
        {
            SkipSpace();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, position, word, 0, word.Length) == 0)
                {
                    position += word.Length;
                    return value;
                }
            throw Expected("True or False");
        }

        // A Python tuple: () for a scalar, (n,) for one axis, (a, b, ...) for more. "(n)" is a number, not a tuple.
        long[] Tuple()
        {
            Expect('(');
            var axes = new List<long>();
            bool comma = false;
            while (!Accept(')'))
            {
                axes.Add(Integer());
                if (axes.Count > MaxDimensions) throw Bad($"its shape has more than {MaxDimensions} dimensions");
                comma = Accept(',');
                if (comma) continue;
                Expect(')', "',' or ')'");
                break;
            }
            if (axes.Count == 1 && !comma) throw Bad("its shape is a number in parentheses, not a tuple");
            return [.. axes];
        }

        long Integer()
        {
            SkipSpace();
            int start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
            if (position == start) throw Expected("a non-negative integer");
            if (!long.TryParse(text.AsSpan(start, position - start), out long value)) throw Bad($"its shape has the axis {text[start..position]}, too large");
            // Python 2's NumPy wrote long integers as 3L.
            if (position < text.Length && text[position] == 'L') position++;
            return value;
        }

        char Peek()
        {
            SkipSpace();
            return position < text.Length ? text[position] : '\0';
        }

        bool Accept(char c)
        {
            if (Peek() != c) return false;
            position++;
            return true;
        }

        void Expect(char c, string? what = null)
        {
            if (!Accept(c)) throw Expected(what ?? $"'{c}'");
        }

        void SkipSpace()
        {
            while (position < text.Length && text[position] is ' ' or '\t' or '\n' or '\r') position++;
        }

        string Excerpt() => text.Substring(position, Math.Min(20, text.Length - position));

        InvalidDataException Expected(string what) => Bad(position < text.Length
            ? $"its header has '{Excerpt()}' where {what} should be"
            : $"its header ends where {what} should be");

        InvalidDataException Bad(string why) => new($"{source} is not a NumPy array file this tool reads: {why}.");
    }
}
