using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml;

/// <summary>
/// Stanza Content Encryption (XEP-0420) envelopes with OMEMO's profile (XEP-0384 section 5.5.1): the plaintext that
/// OMEMO encrypts into <c>&lt;payload&gt;</c>,
/// <c>&lt;envelope xmlns='urn:xmpp:sce:1'&gt;&lt;content&gt;...&lt;/content&gt;&lt;rpad&gt;random&lt;/rpad&gt;&lt;time stamp='..'/&gt;&lt;to jid='..'/&gt;&lt;from jid='..'/&gt;&lt;/envelope&gt;</c>.
/// </summary>
public static class SceEnvelope
{
    /// <summary>The XEP-0420 namespace, <c>urn:xmpp:sce:1</c>.</summary>
    public const string Namespace = "urn:xmpp:sce:1";

    /// <summary>The namespace of <c>&lt;body/&gt;</c>, <c>jabber:client</c>.</summary>
    public const string JabberClientNamespace = "jabber:client";

    /// <summary>Longest random padding written, in characters; each envelope draws a length in 0..200.</summary>
    public const int MaxPaddingLength = 200;

    private const string What = "<envelope>";
    private const string PaddingAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A <c>&lt;body xmlns='jabber:client'&gt;</c> carrying <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">The text contains characters XML cannot carry.</exception>
    public static XElement CreateBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        XmlArguments.CheckXmlText(text, nameof(text));
        return new XElement(XName.Get("body", JabberClientNamespace), text);
    }

    /// <summary>
    /// The OMEMO opt-out request (XEP-0384 section 5.7): <c>&lt;opt-out xmlns='urn:xmpp:omemo:2'&gt;</c> with an
    /// optional <c>&lt;reason&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The reason contains characters XML cannot carry.</exception>
    public static XElement CreateOptOut(string? reason = null)
    {
        var optOut = new XElement(XName.Get("opt-out", SafeXml.OmemoNamespace));
        if (reason is not null)
        {
            XmlArguments.CheckXmlText(reason, nameof(reason));
            optOut.Add(new XElement(XName.Get("reason", SafeXml.OmemoNamespace), reason));
        }
        return optOut;
    }

    /// <summary>
    /// Builds the envelope element: copies of the content elements, then a fresh <c>&lt;rpad&gt;</c> of 0 to
    /// <see cref="MaxPaddingLength"/> random base64-alphabet characters (<see cref="RandomNumberGenerator"/>), then the
    /// affixes that are set. Every call pads differently.
    /// </summary>
    /// <exception cref="ArgumentException">A JID affix is blank or over-long, or an element is null.</exception>
    public static XElement BuildElement(SceEnvelopeContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(content.Elements, nameof(content));
        var contentElement = new XElement(XName.Get("content", Namespace));
        foreach (var element in content.Elements)
        {
            ArgumentNullException.ThrowIfNull(element, nameof(content));
            contentElement.Add(new XElement(element));
        }
        int length = RandomNumberGenerator.GetInt32(0, MaxPaddingLength + 1);
        var envelope = new XElement(XName.Get("envelope", Namespace), contentElement,
            new XElement(XName.Get("rpad", Namespace), RandomNumberGenerator.GetString(PaddingAlphabet, length)));
        if (content.Timestamp is { } time)
            envelope.Add(new XElement(XName.Get("time", Namespace),
                new XAttribute("stamp", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))));
        if (content.To is not null)
        {
            XmlArguments.CheckJid(content.To, nameof(content));
            envelope.Add(new XElement(XName.Get("to", Namespace), new XAttribute("jid", content.To)));
        }
        if (content.From is not null)
        {
            XmlArguments.CheckJid(content.From, nameof(content));
            envelope.Add(new XElement(XName.Get("from", Namespace), new XAttribute("jid", content.From)));
        }
        return envelope;
    }

    /// <summary>Serializes <see cref="BuildElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="BuildElement"/>, or content text XML cannot carry.</exception>
    public static string Build(SceEnvelopeContent content) => SafeXml.Serialize(BuildElement(content));

    /// <summary>The UTF-8 bytes of <see cref="Build"/>: the plaintext to hand to the payload encryption.</summary>
    /// <exception cref="ArgumentException">See <see cref="Build"/>.</exception>
    public static byte[] BuildUtf8(SceEnvelopeContent content) => Utf8.GetBytes(Build(content));

    /// <summary>
    /// Parses an untrusted envelope within <see cref="XmlLimits"/>: exactly one <c>&lt;content&gt;</c> (element
    /// children only), at most one each of <c>&lt;rpad&gt;</c> (ignored; the <c>&lt;rpads&gt;</c> spelling of
    /// XEP-0384's example is accepted too), <c>&lt;time stamp&gt;</c> (XEP-0082 date-time with a zone),
    /// <c>&lt;to jid&gt;</c> and <c>&lt;from jid&gt;</c>. Other affixes are ignored. The affixes are not checked
    /// against the stanza here: call <see cref="VerifyAffixes"/>.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static SceEnvelopeContent Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>Parses a decrypted payload: strict UTF-8 (optional BOM), then the rules of <see cref="Parse(string)"/>.</summary>
    /// <exception cref="MalformedMessageException">Invalid UTF-8, or the rules of <see cref="Parse(string)"/> are broken.</exception>
    public static SceEnvelopeContent Parse(ReadOnlySpan<byte> utf8) => Parse(SafeXml.LoadUtf8(utf8, What));

    /// <summary>Parses an already loaded <c>&lt;envelope&gt;</c> with the rules of <see cref="Parse(string)"/>; the returned elements are copies.</summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static SceEnvelopeContent Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, Namespace, "envelope", What);
        XElement? content = null, padding = null, time = null, to = null, from = null;
        foreach (var child in SafeXml.ChildElements(element, What))
        {
            if (child.Name.NamespaceName != Namespace) continue;
            switch (child.Name.LocalName)
            {
                case "content": Once(ref content, child); break;
                case "rpad": case "rpads": Once(ref padding, child); break;
                case "time": Once(ref time, child); break;
                case "to": Once(ref to, child); break;
                case "from": Once(ref from, child); break;
            }
        }
        if (content is null) throw SafeXml.Malformed($"{What}: missing <content>.");

        var elements = new List<XElement>();
        foreach (var child in SafeXml.ChildElements(content, "<content>")) elements.Add(new XElement(child));

        DateTimeOffset? stamp = time is null ? null : ParseStamp(SafeXml.Attribute(time, "stamp"));
        string? toJid = to is null ? null : SafeXml.ParseJid(SafeXml.Attribute(to, "jid"), "<to jid>");
        string? fromJid = from is null ? null : SafeXml.ParseJid(SafeXml.Attribute(from, "jid"), "<from jid>");
        return new SceEnvelopeContent(elements, stamp, fromJid, toJid);
    }

    /// <summary>
    /// Checks the affixes against the stanza (XEP-0420 and XEP-0384 section 5.5.1): <c>&lt;from/&gt;</c>, when present,
    /// must be <paramref name="senderBareJid"/>; <c>&lt;to/&gt;</c> must be <paramref name="recipientJid"/> (the
    /// group chat's JID in a group chat, where it is mandatory; optional but checked when present otherwise). Bare
    /// JIDs are compared case-insensitively (ordinal), since their local and domain parts are case-mapped.
    /// </summary>
    /// <exception cref="SceAffixMismatchException">An affix is missing where required or names someone else.</exception>
    public static void VerifyAffixes(SceEnvelopeContent content, string senderBareJid, string recipientJid, bool isGroupChat)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(senderBareJid);
        ArgumentNullException.ThrowIfNull(recipientJid);
        if (content.From is not null && !string.Equals(content.From, senderBareJid, StringComparison.OrdinalIgnoreCase))
            throw new SceAffixMismatchException("The envelope's <from/> affix names another sender.");
        if (content.To is null)
        {
            if (isGroupChat) throw new SceAffixMismatchException("A group chat envelope lacks the mandatory <to/> affix.");
        }
        else if (!string.Equals(content.To, recipientJid, StringComparison.OrdinalIgnoreCase))
        {
            throw new SceAffixMismatchException("The envelope's <to/> affix names another recipient.");
        }
    }

    private static void Once(ref XElement? slot, XElement child)
    {
        if (slot is not null) throw SafeXml.Malformed($"{What}: more than one <{child.Name.LocalName}>.");
        slot = child;
    }

    /// <summary>XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm); the zone is mandatory.</summary>
    private static DateTimeOffset ParseStamp(string? value)
    {
        if (value is null) throw SafeXml.Malformed("<time stamp>: missing.");
        var s = value.AsSpan().Trim(" \t\r\n");
        bool hasZone = s.Length > 0 && (s[^1] == 'Z' || (s.Length > 6 && s[^6] is '+' or '-' && s[^3] == ':'));
        if (!hasZone || !DateTimeOffset.TryParseExact(s, (string[])["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamp))
            throw SafeXml.Malformed("<time stamp>: not an XEP-0082 date-time with a time zone.");
        return stamp;
    }
}
