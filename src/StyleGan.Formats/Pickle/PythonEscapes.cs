using System.Globalization;
using System.Text;

namespace StyleGan.Formats.Pickle;

/// <summary>The two text encodings of protocol 0: quoted Python 2 string literals (STRING) and raw-unicode-escape (UNICODE).</summary>
internal static class PythonEscapes
{
    /// <summary>The bytes of a quoted literal like <c>'a\'b\x00'</c>, as Python's codecs.escape_decode reads it.</summary>
    public static byte[] DecodeStringLiteral(ReadOnlySpan<byte> quoted, Func<string, InvalidDataException> corrupt)
    {
        if (quoted.Length < 2 || quoted[0] != quoted[^1] || (quoted[0] != '\'' && quoted[0] != '"'))
            throw corrupt("a STRING argument is not quoted");
        var text = quoted[1..^1];
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                bytes.Add(text[i]);
                continue;
            }
            byte escaped = text[++i];
            switch (escaped)
            {
                case (byte)'\n': break; // a line continuation
                case (byte)'\\' or (byte)'\'' or (byte)'"': bytes.Add(escaped); break;
                case (byte)'a': bytes.Add(7); break;
                case (byte)'b': bytes.Add(8); break;
                case (byte)'f': bytes.Add(12); break;
                case (byte)'n': bytes.Add(10); break;
                case (byte)'r': bytes.Add(13); break;
                case (byte)'t': bytes.Add(9); break;
                case (byte)'v': bytes.Add(11); break;
                case (byte)'x':
                    if (i + 2 >= text.Length || !byte.TryParse(text.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte hex))
                        throw corrupt(@"a STRING argument has a \x escape without two hex digits");
                    bytes.Add(hex);
                    i += 2;
                    break;
                case >= (byte)'0' and <= (byte)'7':
                    int octal = escaped - '0';
                    for (int digits = 1; digits < 3 && i + 1 < text.Length && text[i + 1] is >= (byte)'0' and <= (byte)'7'; digits++)
                        octal = octal * 8 + (text[++i] - '0');
                    bytes.Add((byte)octal);
                    break;
                default:
                    bytes.Add((byte)'\\');
                    bytes.Add(escaped);
                    break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// Python's raw-unicode-escape: bytes are Latin-1 characters, except <c>\uXXXX</c> and <c>\UXXXXXXXX</c> after an
    /// odd number of backslashes.
    /// </summary>
    public static string DecodeRawUnicodeEscape(ReadOnlySpan<byte> encoded, Func<string, InvalidDataException> corrupt)
    {
        var text = new StringBuilder(encoded.Length);
        int i = 0;
        while (i < encoded.Length)
        {
            if (encoded[i] != '\\')
            {
                text.Append((char)encoded[i++]);
                continue;
            }
            int backslashes = 0;
            while (i < encoded.Length && encoded[i] == '\\')
            {
                text.Append('\\');
                backslashes++;
                i++;
            }
            if (backslashes % 2 == 0 || i == encoded.Length || (encoded[i] != 'u' && encoded[i] != 'U')) continue;
            int digits = encoded[i] == 'u' ? 4 : 8;
            var hex = encoded[(i + 1)..];
            if (hex.Length < digits || !uint.TryParse(hex[..digits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint codePoint)
                || codePoint > 0x10FFFF)
                throw corrupt(@"a UNICODE argument has a \u or \U escape without its hex digits");
            text.Length--; // the escaping backslash
            // Python strings may hold lone surrogates, and so may .NET's, one char each.
            if (codePoint <= 0xFFFF) text.Append((char)codePoint);
            else text.Append(char.ConvertFromUtf32((int)codePoint));
            i += 1 + digits;
        }
        return text.ToString();
    }
}
