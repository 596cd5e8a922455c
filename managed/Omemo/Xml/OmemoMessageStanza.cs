using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml;

/// <summary>
/// XMPP <c>&lt;message&gt;</c> stanzas carrying an OMEMO <c>&lt;encrypted xmlns='urn:xmpp:omemo:2'&gt;</c> element as
/// XEP-0384 section 5.4 sends them: with a XEP-0334 store hint, a XEP-0380 encryption hint and a plain-text fallback
/// body for clients without OMEMO.
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
        foreach (var (value, name) in new[] { (from, nameof(from)), (to, nameof(to)), (type, nameof(type)), (id, nameof(id)) })
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
            XmlArguments.CheckXmlText(value, name);
        }
        ArgumentNullException.ThrowIfNull(encrypted);
        var stanza = new XElement(Client + "message",
            new XAttribute("from", from), new XAttribute("to", to), new XAttribute("type", type), new XAttribute("id", id),
            encrypted.ToXElement(),
            new XElement(XName.Get("store", "urn:xmpp:hints")),
            new XElement(XName.Get("encryption", "urn:xmpp:eme:0"), new XAttribute("namespace", SafeXml.OmemoNamespace), new XAttribute("name", "OMEMO")),
            new XElement(Client + "body", FallbackBody));
        return SafeXml.Serialize(stanza);
    }

    /// <summary>
    /// Parses untrusted XML that is either an <c>&lt;encrypted&gt;</c> element or a <c>&lt;message&gt;</c> stanza with
    /// exactly one as a child, within <see cref="XmlLimits"/> (DTDs refused).
    /// </summary>
    /// <exception cref="MalformedMessageException">Not well-formed, over the limits, no (or several) OMEMO elements, or a bad element.</exception>
    public static EncryptedElement ParseEncrypted(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var root = SafeXml.Load(xml, What);
        var encryptedName = XName.Get("encrypted", SafeXml.OmemoNamespace);
        if (root.Name == encryptedName) return EncryptedElement.Parse(root);
        if (root.Name.LocalName != "message" || root.Name.NamespaceName is not ("" or "jabber:client" or "jabber:server"))
            throw new MalformedMessageException("The input is neither an OMEMO <encrypted> element nor a <message> stanza.");
        var elements = root.Elements(encryptedName).Take(2).ToList();
        if (elements.Count != 1) throw new MalformedMessageException("The <message> carries no (or more than one) OMEMO <encrypted> element.");
        return EncryptedElement.Parse(elements[0]);
    }
}
