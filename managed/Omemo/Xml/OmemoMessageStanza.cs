using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Xml.Legacy;

namespace Omemo.Xml;

/// <summary>
/// XMPP <c>&lt;message&gt;</c> stanzas carrying an OMEMO <c>&lt;encrypted xmlns='urn:xmpp:omemo:2'&gt;</c> element as
/// XEP-0384 section 5.4 sends them: with a XEP-0334 store hint, a XEP-0380 encryption hint and a plain-text fallback
/// body for clients without OMEMO. A message to a group with legacy OMEMO 0.3 devices carries the legacy element too.
/// </summary>
public static class OmemoMessageStanza
{
    /// <summary>The fallback body shown by clients without OMEMO.</summary>
    public const string FallbackBody = "This message is OMEMO encrypted (XEP-0384).";

    private const string What = "<message>";
    private static readonly XNamespace Client = "jabber:client";

    /// <summary>Serializes a <c>&lt;message&gt;</c> stanza carrying <paramref name="encrypted"/>.</summary>
    /// <param name="from">The sender's JID.</param>
    /// <param name="to">The recipient, or the group chat's JID.</param>
    /// <param name="type"><c>chat</c> or <c>groupchat</c>.</param>
    /// <param name="id">The stanza id.</param>
    /// <param name="encrypted">The OMEMO element.</param>
    /// <exception cref="ArgumentException">An argument is blank or contains characters XML cannot carry.</exception>
    public static string Build(string from, string to, string type, string id, EncryptedElement encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        return Build(from, to, type, id, encrypted, null);
    }

    /// <summary>
    /// Serializes a <c>&lt;message&gt;</c> stanza carrying an OMEMO 2 element, a legacy OMEMO 0.3 element, or both (as
    /// <c>SessionManager.EncryptAsync</c> returns them for a mixed group), each with its encryption hint.
    /// </summary>
    /// <param name="from">The sender's JID.</param>
    /// <param name="to">The recipient, or the group chat's JID.</param>
    /// <param name="type"><c>chat</c> or <c>groupchat</c>.</param>
    /// <param name="id">The stanza id.</param>
    /// <param name="encrypted">The OMEMO 2 element, or null.</param>
    /// <param name="legacy">The legacy element, or null.</param>
    /// <exception cref="ArgumentException">Both elements are null, or an argument is blank or contains characters XML cannot carry.</exception>
    public static string Build(string from, string to, string type, string id, EncryptedElement? encrypted, LegacyEncryptedElement? legacy)
    {
        foreach (var (value, name) in new[] { (from, nameof(from)), (to, nameof(to)), (type, nameof(type)), (id, nameof(id)) })
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
            XmlArguments.CheckXmlText(value, name);
        }
        if (encrypted is null && legacy is null) throw new ArgumentException("The stanza needs an OMEMO element.", nameof(encrypted));
        var stanza = new XElement(Client + "message",
            new XAttribute("from", from), new XAttribute("to", to), new XAttribute("type", type), new XAttribute("id", id),
            encrypted?.ToXElement(), legacy?.ToXElement(),
            new XElement(XName.Get("store", "urn:xmpp:hints")),
            encrypted is null ? null : Hint(SafeXml.OmemoNamespace),
            legacy is null ? null : Hint(LegacyNamespaces.Axolotl),
            new XElement(Client + "body", FallbackBody));
        return SafeXml.Serialize(stanza);
    }

    private static XElement Hint(string ns) =>
        new(XName.Get("encryption", "urn:xmpp:eme:0"), new XAttribute("namespace", ns), new XAttribute("name", "OMEMO"));

    /// <summary>
    /// Parses untrusted XML that is either an <c>&lt;encrypted&gt;</c> element or a <c>&lt;message&gt;</c> stanza with
    /// exactly one as a child, within <see cref="XmlLimits"/> (DTDs refused).
    /// </summary>
    /// <exception cref="MalformedMessageException">Not well-formed, over the limits, no (or several) OMEMO elements, or a bad element.</exception>
    public static EncryptedElement ParseEncrypted(string xml) =>
        ParseAll(xml).Encrypted ?? throw new MalformedMessageException("The <message> carries no OMEMO 2 <encrypted> element.");

    /// <summary>
    /// Parses untrusted XML that is an <c>&lt;encrypted&gt;</c> element (either version) or a <c>&lt;message&gt;</c> stanza
    /// with at most one OMEMO 2 and at most one legacy OMEMO 0.3 element, at least one of them.
    /// </summary>
    /// <exception cref="MalformedMessageException">Not well-formed, over the limits, no (or duplicate) OMEMO elements, or a bad element.</exception>
    public static (EncryptedElement? Encrypted, LegacyEncryptedElement? Legacy) ParseAll(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var root = SafeXml.Load(xml, What);
        var modernName = XName.Get("encrypted", SafeXml.OmemoNamespace);
        var legacyName = XName.Get("encrypted", LegacyNamespaces.Axolotl);
        if (root.Name == modernName) return (EncryptedElement.Parse(root), null);
        if (root.Name == legacyName) return (null, LegacyEncryptedElement.Parse(root));
        if (root.Name.LocalName != "message" || root.Name.NamespaceName is not ("" or "jabber:client" or "jabber:server"))
            throw new MalformedMessageException("The input is neither an OMEMO <encrypted> element nor a <message> stanza.");
        var modern = Single(root, modernName);
        var legacy = Single(root, legacyName);
        if (modern is null && legacy is null) throw new MalformedMessageException("The <message> carries no OMEMO <encrypted> element.");
        return (modern is null ? null : EncryptedElement.Parse(modern), legacy is null ? null : LegacyEncryptedElement.Parse(legacy));
    }

    private static XElement? Single(XElement message, XName name)
    {
        var elements = message.Elements(name).Take(2).ToList();
        if (elements.Count > 1) throw new MalformedMessageException("The <message> carries more than one OMEMO <encrypted> element of one version.");
        return elements.FirstOrDefault();
    }
}
