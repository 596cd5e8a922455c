using System.Text;
using System.Xml;
using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml;

/// <summary>
/// Hardened loading of untrusted XML and the strict value parsers shared by the OMEMO element parsers. Every
/// failure becomes a <see cref="MalformedMessageException"/> whose message names the element at fault but never
/// repeats the input (an SCE envelope is plaintext).
/// </summary>
internal static class SafeXml
{
    /// <summary>The OMEMO 2 namespace.</summary>
    internal const string OmemoNamespace = "urn:xmpp:omemo:2";

    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>No DTD (so no entity expansion and no external fetches), bounded size, comments and PIs dropped.</summary>
    private static XmlReaderSettings NewSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = XmlLimits.MaxDocumentCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        ConformanceLevel = ConformanceLevel.Document,
        ValidationType = ValidationType.None,
        CloseInput = true,
    };

    /// <summary>Parses <paramref name="xml"/> into a detached element tree within <see cref="XmlLimits"/>.</summary>
    /// <param name="xml">The untrusted document.</param>
    /// <param name="what">The expected root, for error messages, e.g. "&lt;bundle&gt;".</param>
    internal static XElement Load(string xml, string what)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.Length > XmlLimits.MaxDocumentCharacters)
            throw Malformed($"{what}: document larger than {XmlLimits.MaxDocumentCharacters} characters.");
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), NewSettings());
            return Build(reader, what);
        }
        catch (XmlException e)
        {
            // e.Message may quote the input: report the position only.
            throw Malformed($"{what}: not well-formed XML, or a DTD, or over the size limit (line {e.LineNumber}, position {e.LinePosition}).");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Defensive: LINQ to XML refusing a node the reader let through (e.g. a duplicate attribute).
            throw Malformed($"{what}: not well-formed XML.");
        }
    }

    /// <summary>Decodes strict UTF-8 (an optional BOM is skipped) and parses it like <see cref="Load(string, string)"/>.</summary>
    internal static XElement LoadUtf8(ReadOnlySpan<byte> utf8, string what)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        if (utf8.Length > 4L * XmlLimits.MaxDocumentCharacters)
            throw Malformed($"{what}: document larger than {XmlLimits.MaxDocumentCharacters} characters.");
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed($"{what}: not valid UTF-8.");
        }
        return Load(text, what);
    }

    private static XElement Build(XmlReader reader, string what)
    {
        var open = new List<XElement>();
        var text = new StringBuilder();   // adjacent text and CDATA, added as one node (XContainer would re-concatenate)
        XElement? root = null;
        int elements = 0;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    FlushText(open, text);
                    if (++elements > XmlLimits.MaxElements)
                        throw Malformed($"{what}: more than {XmlLimits.MaxElements} elements.");
                    if (open.Count >= XmlLimits.MaxDepth)
                        throw Malformed($"{what}: nested deeper than {XmlLimits.MaxDepth} elements.");
                    // XElement checks each added attribute against the others: bound the count to keep that linear.
                    if (reader.AttributeCount > XmlLimits.MaxAttributes)
                        throw Malformed($"{what}: an element has more than {XmlLimits.MaxAttributes} attributes.");
                    var element = new XElement(XNamespace.Get(reader.NamespaceURI) + reader.LocalName);
                    bool isEmpty = reader.IsEmptyElement;
                    if (reader.MoveToFirstAttribute())
                    {
                        do
                        {
                            // Namespace declarations are implied by the names; the writer re-creates them.
                            if (reader.NamespaceURI == XmlnsNamespace) continue;
                            element.Add(new XAttribute(XNamespace.Get(reader.NamespaceURI) + reader.LocalName, reader.Value));
                        }
                        while (reader.MoveToNextAttribute());
                        reader.MoveToElement();
                    }
                    if (open.Count == 0) root = element;
                    else open[^1].Add(element);
                    if (!isEmpty) open.Add(element);
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    if (open.Count > 0) text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    FlushText(open, text);
                    open.RemoveAt(open.Count - 1);
                    break;
            }
        }
        return root ?? throw Malformed($"{what}: no root element.");
    }

    private static void FlushText(List<XElement> open, StringBuilder text)
    {
        if (text.Length == 0) return;
        open[^1].Add(new XText(text.ToString()));
        text.Clear();
    }

    /// <summary>The error every parser throws.</summary>
    internal static MalformedMessageException Malformed(string message) => new(message);

    /// <summary>Checks that <paramref name="element"/> is <c>{namespace}localName</c>.</summary>
    internal static void ExpectName(XElement element, string ns, string localName, string what)
    {
        if (element.Name.LocalName != localName || element.Name.NamespaceName != ns)
            throw Malformed($"{what}: expected <{localName} xmlns='{ns}'>.");
    }

    /// <summary>
    /// The child elements of an element-only parent, whatever their names (callers check those); non-whitespace
    /// text between them is refused.
    /// </summary>
    internal static IEnumerable<XElement> ChildElements(XElement parent, string what)
    {
        foreach (var node in parent.Nodes())
        {
            if (node is XElement e) yield return e;
            else if (node is XText t && !IsXmlWhitespace(t.Value))
                throw Malformed($"{what}: unexpected text content.");
        }
    }

    /// <summary>The text of a text-only element; child elements are refused.</summary>
    internal static string TextContent(XElement element, string what)
    {
        if (element.HasElements) throw Malformed($"{what}: unexpected child element.");
        return element.Value;
    }

    /// <summary>An unqualified attribute, or null.</summary>
    internal static string? Attribute(XElement element, string name) => element.Attribute(name)?.Value;

    /// <summary>
    /// Parses an OMEMO id (xs:unsignedInt lexical form: optional '+', leading zeros allowed, surrounding whitespace
    /// collapsed) and requires it to be in 1..2^31-1.
    /// </summary>
    internal static uint ParseId(string? value, string what)
    {
        if (value is null) throw Malformed($"{what}: missing.");
        var s = TrimXmlWhitespace(value.AsSpan());
        if (s.Length > 0 && s[0] == '+') s = s[1..];
        while (s.Length > 1 && s[0] == '0') s = s[1..];
        if (s.Length == 0 || s.Length > 10) throw Malformed($"{what}: not an id in 1..2^31-1.");
        ulong v = 0;
        foreach (char c in s)
        {
            if (c is < '0' or > '9') throw Malformed($"{what}: not an id in 1..2^31-1.");
            v = v * 10 + (ulong)(c - '0');
        }
        if (v < XmlLimits.MinId || v > XmlLimits.MaxId) throw Malformed($"{what}: not an id in 1..2^31-1.");
        return (uint)v;
    }

    /// <summary>Parses xs:boolean ("true", "false", "1", "0", surrounding whitespace collapsed); null gives <paramref name="absent"/>.</summary>
    internal static bool ParseBoolean(string? value, bool absent, string what)
    {
        if (value is null) return absent;
        var s = TrimXmlWhitespace(value.AsSpan());
        if (s.SequenceEqual("true") || s.SequenceEqual("1")) return true;
        if (s.SequenceEqual("false") || s.SequenceEqual("0")) return false;
        throw Malformed($"{what}: not an xs:boolean.");
    }

    /// <summary>A JID attribute: present, not blank, at most <see cref="XmlLimits.MaxJidLength"/> characters.</summary>
    internal static string ParseJid(string? value, string what)
    {
        if (value is null) throw Malformed($"{what}: missing.");
        if (IsXmlWhitespace(value) || value.Length > XmlLimits.MaxJidLength) throw Malformed($"{what}: not a JID.");
        return value;
    }

    /// <summary>XML whitespace: space, tab, CR, LF.</summary>
    internal static bool IsXmlWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>True when <paramref name="s"/> is empty or only XML whitespace.</summary>
    internal static bool IsXmlWhitespace(string s)
    {
        foreach (char c in s) if (!IsXmlWhitespace(c)) return false;
        return true;
    }

    private static ReadOnlySpan<char> TrimXmlWhitespace(ReadOnlySpan<char> s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsXmlWhitespace(s[start])) start++;
        while (end > start && IsXmlWhitespace(s[end - 1])) end--;
        return s[start..end];
    }

    /// <summary>Serializes without indentation or XML declaration.</summary>
    internal static string Serialize(XElement element) => element.ToString(SaveOptions.DisableFormatting);
}
