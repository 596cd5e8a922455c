namespace Omemo.Xml;

/// <summary>
/// The strict base64 reading of xs:base64Binary content used by every parser: one accepted encoding per byte
/// string, XML whitespace allowed between characters.
/// </summary>
internal static class StrictBase64
{
    /// <summary>
    /// Strict base64 (RFC 4648 standard alphabet, '=' padding required, unused bits zero, so each byte string has
    /// exactly one accepted encoding). XML whitespace anywhere is skipped, as xs:base64Binary allows line-wrapped
    /// data. Empty or whitespace-only text is refused. With <paramref name="exactLength"/> &gt;= 0 the decoded
    /// length must equal it.
    /// </summary>
    internal static byte[] Decode(string text, string what, int exactLength = -1)
    {
        if (!TryDecode(text, out var bytes)) throw SafeXml.Malformed($"{what}: not valid base64.");
        if (exactLength >= 0 && bytes.Length != exactLength) throw SafeXml.Malformed($"{what}: must be {exactLength} bytes.");
        return bytes;
    }

    /// <summary>Non-throwing form of <see cref="Decode"/> without a length requirement.</summary>
    internal static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        int n = 0;
        foreach (char c in text) if (!SafeXml.IsXmlWhitespace(c)) n++;
        if (n == 0 || n % 4 != 0) return false;

        var compact = new char[n];
        int j = 0;
        foreach (char c in text) if (!SafeXml.IsXmlWhitespace(c)) compact[j++] = c;

        int padding = compact[n - 1] == '=' ? (compact[n - 2] == '=' ? 2 : 1) : 0;
        for (int i = 0; i < n - padding; i++)
            if (SextetOf(compact[i]) < 0) return false;
        // The last data character must not carry bits beyond the encoded bytes.
        if (padding == 2 && (SextetOf(compact[n - 3]) & 0x0F) != 0) return false;
        if (padding == 1 && (SextetOf(compact[n - 2]) & 0x03) != 0) return false;

        var output = new byte[n / 4 * 3 - padding];
        if (!Convert.TryFromBase64Chars(compact, output, out int written) || written != output.Length) return false;
        bytes = output;
        return true;
    }

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };
}
