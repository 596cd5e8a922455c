using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml;

/// <summary>
/// The OMEMO 2 message element (XEP-0384 section 5.5.3):
/// <c>&lt;encrypted xmlns='urn:xmpp:omemo:2'&gt;&lt;header sid='..'&gt;&lt;keys jid='..'&gt;&lt;key rid='..'&gt;b64&lt;/key&gt;...&lt;/keys&gt;...&lt;/header&gt;&lt;payload&gt;b64&lt;/payload&gt;&lt;/encrypted&gt;</c>.
/// </summary>
/// <param name="SenderDeviceId">The sending device (<c>sid</c>), in 1..2^31-1.</param>
/// <param name="Keys">
/// The per-device keys. <see cref="ToXml"/> groups them into one <c>&lt;keys&gt;</c> per JID in order of first
/// appearance; a (JID, device id) pair may occur only once.
/// </param>
/// <param name="Payload">The encrypted SCE envelope, or null for an empty OMEMO message (no <c>&lt;payload&gt;</c>).</param>
public sealed record EncryptedElement(uint SenderDeviceId, IReadOnlyList<EncryptedKey> Keys, byte[]? Payload)
{
    private const string What = "<encrypted>";
    private const string Ns = SafeXml.OmemoNamespace;

    /// <summary>True for an empty OMEMO message (key transport only, no payload).</summary>
    public bool IsEmpty => Payload is null;

    /// <summary>The key for device <paramref name="deviceId"/> of <paramref name="jid"/> (ordinal JID comparison), or null when the message was not encrypted for it.</summary>
    public EncryptedKey? FindKey(string jid, uint deviceId)
    {
        foreach (var key in Keys)
            if (key.DeviceId == deviceId && string.Equals(key.Jid, jid, StringComparison.Ordinal)) return key;
        return null;
    }

    /// <summary>
    /// Parses an untrusted <c>&lt;encrypted&gt;</c> document within <see cref="XmlLimits"/> (no DTD, size, depth and
    /// <see cref="XmlLimits.MaxKeys"/> bounds). Requires exactly one <c>&lt;header&gt;</c> with a valid <c>sid</c>,
    /// at least one <c>&lt;keys jid&gt;</c> each with at least one <c>&lt;key&gt;</c>, ids in 1..2^31-1, no duplicate
    /// (JID, rid), xs:boolean <c>kex</c>, strict non-empty base64, at most one non-empty <c>&lt;payload&gt;</c>, and no
    /// other elements.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static EncryptedElement Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>
    /// Parses an already loaded element (e.g. taken from a stanza by the XMPP library) with the same rules as
    /// <see cref="Parse(string)"/>; the document size and depth bounds are then the caller's.
    /// </summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static EncryptedElement Parse(XElement element)
    {
        var (header, sid, payload) = XmlChildren.EncryptedFrame(element, Ns, What);

        var keys = new List<EncryptedKey>();
        var seen = new HashSet<(string, uint)>();
        foreach (var keysElement in SafeXml.ChildElements(header, "<header>"))
        {
            SafeXml.ExpectName(keysElement, Ns, "keys", "<header> child");
            string jid = SafeXml.ParseJid(SafeXml.Attribute(keysElement, "jid"), "<keys jid>");
            int before = keys.Count;
            foreach (var keyElement in SafeXml.ChildElements(keysElement, "<keys>"))
            {
                SafeXml.ExpectName(keyElement, Ns, "key", "<keys> child");
                var (rid, kex, data) = XmlChildren.ParseKey(keyElement, "kex", keys.Count);
                if (!seen.Add((jid, rid))) throw SafeXml.Malformed($"{What}: duplicate <key> for the same jid and rid.");
                keys.Add(new EncryptedKey(jid, rid, data, kex));
            }
            if (keys.Count == before) throw SafeXml.Malformed("<keys>: no <key>.");
        }
        if (keys.Count == 0) throw SafeXml.Malformed("<header>: no <keys>.");

        return new EncryptedElement(sid, keys, XmlChildren.ParsePayload(payload));
    }

    /// <summary>
    /// Builds the element. <c>kex='true'</c> is written only for key exchanges; the attribute is omitted otherwise
    /// (its schema default is false, and python-twomemo 1.0.3 misreads an explicit <c>kex='false'</c>).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An id outside 1..2^31-1, no keys, a null, blank or over-long JID, empty key data, a duplicate (JID, device id),
    /// or an empty (rather than null) payload.
    /// </exception>
    public XElement ToXElement()
    {
        XmlArguments.CheckId(SenderDeviceId, nameof(SenderDeviceId));
        XmlChildren.CheckKeyCount(Keys, nameof(Keys));

        var header = new XElement(XName.Get("header", Ns), new XAttribute("sid", SenderDeviceId));
        var groups = new Dictionary<string, XElement>(StringComparer.Ordinal);
        var seen = new HashSet<(string, uint)>();
        foreach (var key in Keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(Keys));
            XmlArguments.CheckJid(key.Jid, nameof(Keys));
            XmlArguments.CheckId(key.DeviceId, nameof(Keys));
            XmlArguments.CheckBytes(key.Data, -1, nameof(Keys));
            if (!seen.Add((key.Jid, key.DeviceId))) throw new ArgumentException("Duplicate key for the same JID and device.", nameof(Keys));
            if (!groups.TryGetValue(key.Jid, out var group))
            {
                group = new XElement(XName.Get("keys", Ns), new XAttribute("jid", key.Jid));
                groups.Add(key.Jid, group);
                header.Add(group);
            }
            var keyElement = new XElement(XName.Get("key", Ns), new XAttribute("rid", key.DeviceId));
            if (key.IsKeyExchange) keyElement.Add(new XAttribute("kex", "true"));
            keyElement.Add(Convert.ToBase64String(key.Data));
            group.Add(keyElement);
        }

        var encrypted = new XElement(XName.Get("encrypted", Ns), header);
        XmlChildren.AddPayload(encrypted, Ns, Payload, nameof(Payload));
        return encrypted;
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public string ToXml() => SafeXml.Serialize(ToXElement());
}
