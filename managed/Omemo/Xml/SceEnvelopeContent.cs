using System.Xml.Linq;

namespace Omemo.Xml;

/// <summary>
/// What a XEP-0420 <c>&lt;envelope xmlns='urn:xmpp:sce:1'&gt;</c> carries (besides the random padding): the
/// <c>&lt;content&gt;</c> children and the <c>&lt;time/&gt;</c>, <c>&lt;from/&gt;</c> and <c>&lt;to/&gt;</c> affixes.
/// </summary>
/// <param name="Elements">
/// The children of <c>&lt;content&gt;</c>, e.g. <see cref="SceEnvelope.CreateBody"/> or
/// <see cref="SceEnvelope.CreateOptOut"/>; <see cref="SceEnvelope.Build"/> copies them, never re-parents them.
/// </param>
/// <param name="Timestamp">The <c>&lt;time stamp='..'/&gt;</c> affix (written in UTC with millisecond precision), or null.</param>
/// <param name="From">The <c>&lt;from jid='..'/&gt;</c> affix: the sender's bare JID (OMEMO: SHOULD be present), or null.</param>
/// <param name="To">The <c>&lt;to jid='..'/&gt;</c> affix: the recipient or group chat JID (OMEMO: MUST be present in group chats), or null.</param>
public sealed record SceEnvelopeContent(IReadOnlyList<XElement> Elements, DateTimeOffset? Timestamp = null, string? From = null, string? To = null)
{
    /// <summary>The text of the first <c>&lt;body xmlns='jabber:client'&gt;</c> in the content, or null.</summary>
    public string? Body => FirstElement(SceEnvelope.JabberClientNamespace, "body")?.Value;

    /// <summary>True when the content holds an OMEMO <c>&lt;opt-out xmlns='urn:xmpp:omemo:2'/&gt;</c> (XEP-0384 section 5.7).</summary>
    public bool IsOptOut => FirstElement(SafeXml.OmemoNamespace, "opt-out") is not null;

    /// <summary>The text of the opt-out's <c>&lt;reason&gt;</c>, or null when there is no opt-out or no reason.</summary>
    public string? OptOutReason => FirstElement(SafeXml.OmemoNamespace, "opt-out")?.Element(XName.Get("reason", SafeXml.OmemoNamespace))?.Value;

    private XElement? FirstElement(string ns, string localName)
    {
        var name = XName.Get(localName, ns);
        foreach (var element in Elements)
            if (element.Name == name) return element;
        return null;
    }
}
