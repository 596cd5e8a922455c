using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml.Legacy;

/// <summary>
/// The legacy OMEMO 0.3 message element:
/// <c>&lt;encrypted xmlns='eu.siacs.conversations.axolotl'&gt;&lt;header sid='..'&gt;&lt;key rid='..' prekey='true'&gt;b64&lt;/key&gt;...&lt;iv&gt;b64&lt;/iv&gt;&lt;/header&gt;&lt;payload&gt;b64&lt;/payload&gt;&lt;/encrypted&gt;</c>.
/// <para>
/// Interoperability (python-oldmemo 1.0.x, <c>oldmemo.etree</c>): it writes <c>prekey='true'</c> only on key
/// exchanges, and reads any present <c>prekey</c> value as true (even <c>'false'</c> or <c>'0'</c>), so
/// <see cref="ToXElement"/> never writes <c>prekey='false'</c>. Its schema allows the header children in any order
/// and requires the <c>&lt;iv&gt;</c> even for an empty message (key transport), whose IV it fills with 12 random
/// bytes; it does not check the IV size. Modern senders use 12-byte IVs, early Conversations versions 16-byte ones,
/// so both sizes are accepted.
/// </para>
/// </summary>
/// <param name="SenderDeviceId">The sending device (<c>sid</c>), in 1..2^31-1.</param>
/// <param name="Keys">The per-device keys; each device id may occur only once (keys are matched by device id alone).</param>
/// <param name="Iv">The AES-GCM IV of the payload: <see cref="IvSize"/> or <see cref="LongIvSize"/> bytes.</param>
/// <param name="Payload">The AES-128-GCM ciphertext (without tag), or null for an empty message (no <c>&lt;payload&gt;</c>).</param>
public sealed record LegacyEncryptedElement(uint SenderDeviceId, IReadOnlyList<LegacyEncryptedKey> Keys, byte[] Iv, byte[]? Payload)
{
    private const string What = "<encrypted>";
    private const string Ns = LegacyNamespaces.Axolotl;

    /// <summary>The IV size legacy senders use today (python-oldmemo, Conversations): 12 bytes.</summary>
    public const int IvSize = 12;

    /// <summary>The IV size of early Conversations versions, still accepted: 16 bytes.</summary>
    public const int LongIvSize = 16;

    /// <summary>True for an empty message (key transport only, no payload).</summary>
    public bool IsEmpty => Payload is null;

    /// <summary>The key for device <paramref name="deviceId"/>, or null when the message was not encrypted for it.</summary>
    public LegacyEncryptedKey? FindKey(uint deviceId)
    {
        foreach (var key in Keys)
            if (key.DeviceId == deviceId) return key;
        return null;
    }

    /// <summary>
    /// Parses an untrusted legacy <c>&lt;encrypted&gt;</c> document within <see cref="XmlLimits"/> (no DTD, size,
    /// depth and <see cref="XmlLimits.MaxKeys"/> bounds). Requires exactly one <c>&lt;header&gt;</c> with a valid
    /// <c>sid</c> holding 1 to <see cref="XmlLimits.MaxKeys"/> <c>&lt;key&gt;</c> with distinct <c>rid</c> in
    /// 1..2^31-1 and exactly one <c>&lt;iv&gt;</c> of 12 or 16 bytes (any order), xs:boolean <c>prekey</c>, strict
    /// non-empty base64, at most one non-empty <c>&lt;payload&gt;</c>, and no other elements.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static LegacyEncryptedElement Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>
    /// Parses an already loaded element with the rules of <see cref="Parse(string)"/>; the document size and
    /// depth bounds are then the caller's.
    /// </summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static LegacyEncryptedElement Parse(XElement element)
    {
        var (header, sid, payload) = XmlChildren.EncryptedFrame(element, Ns, What);

        var keys = new List<LegacyEncryptedKey>();
        var seen = new HashSet<uint>();
        XElement? iv = null;
        foreach (var child in SafeXml.ChildElements(header, "<header>"))
        {
            if (child.Name == XName.Get("iv", Ns))
            {
                iv = iv is null ? child : throw SafeXml.Malformed("<header>: more than one <iv>.");
                continue;
            }
            SafeXml.ExpectName(child, Ns, "key", "<header> child");
            var (rid, preKey, data) = XmlChildren.ParseKey(child, "prekey", keys.Count);
            if (!seen.Add(rid)) throw SafeXml.Malformed($"{What}: duplicate <key> for the same rid.");
            keys.Add(new LegacyEncryptedKey(rid, data, preKey));
        }
        if (keys.Count == 0) throw SafeXml.Malformed("<header>: no <key>.");
        if (iv is null) throw SafeXml.Malformed("<header>: missing <iv>.");
        byte[] ivBytes = StrictBase64.Decode(SafeXml.TextContent(iv, "<iv>"), "<iv>");
        if (ivBytes.Length is not (IvSize or LongIvSize)) throw SafeXml.Malformed($"<iv>: must be {IvSize} or {LongIvSize} bytes.");

        return new LegacyEncryptedElement(sid, keys, ivBytes, XmlChildren.ParsePayload(payload));
    }

    /// <summary>
    /// Builds the element: the keys in order, then the <c>&lt;iv&gt;</c> (python-oldmemo's order), then the payload
    /// when there is one. <c>prekey='true'</c> is written only for key exchanges.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An id outside 1..2^31-1, no keys or more than <see cref="XmlLimits.MaxKeys"/>, empty key data, a duplicate
    /// device id, an IV not 12 or 16 bytes, or an empty (rather than null) payload.
    /// </exception>
    public XElement ToXElement()
    {
        XmlArguments.CheckId(SenderDeviceId, nameof(SenderDeviceId));
        XmlChildren.CheckKeyCount(Keys, nameof(Keys));
        ArgumentNullException.ThrowIfNull(Iv);
        if (Iv.Length is not (IvSize or LongIvSize)) throw new ArgumentException($"The IV must be {IvSize} or {LongIvSize} bytes.", nameof(Iv));

        var header = new XElement(XName.Get("header", Ns), new XAttribute("sid", SenderDeviceId));
        var seen = new HashSet<uint>();
        foreach (var key in Keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(Keys));
            XmlArguments.CheckId(key.DeviceId, nameof(Keys));
            XmlArguments.CheckBytes(key.Data, -1, nameof(Keys));
            if (!seen.Add(key.DeviceId)) throw new ArgumentException("Duplicate key for the same device.", nameof(Keys));
            var keyElement = new XElement(XName.Get("key", Ns), new XAttribute("rid", key.DeviceId));
            if (key.IsPreKey) keyElement.Add(new XAttribute("prekey", "true"));
            keyElement.Add(Convert.ToBase64String(key.Data));
            header.Add(keyElement);
        }
        header.Add(new XElement(XName.Get("iv", Ns), Convert.ToBase64String(Iv)));

        var encrypted = new XElement(XName.Get("encrypted", Ns), header);
        XmlChildren.AddPayload(encrypted, Ns, Payload, nameof(Payload));
        return encrypted;
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public string ToXml() => SafeXml.Serialize(ToXElement());
}
