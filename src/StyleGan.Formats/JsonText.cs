using System.Text.Json;

namespace StyleGan;

/// <summary>
/// JSON read from a file (a safetensors header, a network config, dataset.json) is data a user may have edited: a key
/// given twice is refused while parsing (JsonNode took the text and threw ArgumentException only when the object was
/// first read), and a syntax error is told by where it is, not in System.Text.Json's words ("Expected depth to be
/// zero at the end of the JSON payload ... LineNumber: 0 | BytePositionInLine: 6.").
/// </summary>
public static class JsonText
{
    /// <summary>Parsing options that refuse a key given twice.</summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>What is wrong with the text, and where: "cut off or malformed at line 1, column 7".</summary>
    /// <param name="e">The parser's exception.</param>
    public static string Problem(JsonException e)
    {
        // The parser's message is the only place that says a key was duplicated.
        string what = e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? "a key given twice" : "cut off or malformed";
        return e.LineNumber is long line ? $"{what} at line {line + 1}, column {e.BytePositionInLine + 1}" : what;
    }
}
