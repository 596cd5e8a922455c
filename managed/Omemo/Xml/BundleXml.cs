using System.Xml.Linq;
using Omemo.Errors;
using Omemo.X3dh;

namespace Omemo.Xml;

/// <summary>
/// The OMEMO 2 bundle (XEP-0384 section 5.3.2):
/// <c>&lt;bundle xmlns='urn:xmpp:omemo:2'&gt;&lt;spk id='..'&gt;b64&lt;/spk&gt;&lt;spks&gt;b64&lt;/spks&gt;&lt;ik&gt;b64&lt;/ik&gt;&lt;prekeys&gt;&lt;pk id='..'&gt;b64&lt;/pk&gt;...&lt;/prekeys&gt;&lt;/bundle&gt;</c>.
/// The identity key is the 32-byte Ed25519 public key, the pre-keys are 32-byte X25519 public keys and the
/// signature is 64 bytes. Parsing checks sizes only: the signed pre-key signature is checked by
/// <see cref="Bundle.HasValidSignature"/> when a session is built.
/// </summary>
public static class BundleXml
{
    private const string What = "<bundle>";
    private const string Ns = SafeXml.OmemoNamespace;
    private const int KeySize = 32;
    private const int SignatureSize = 64;

    /// <summary>
    /// Parses an untrusted <c>&lt;bundle&gt;</c> document within <see cref="XmlLimits"/>. Requires exactly one each of
    /// <c>&lt;spk&gt;</c>, <c>&lt;spks&gt;</c>, <c>&lt;ik&gt;</c> and <c>&lt;prekeys&gt;</c> (any order, no other elements),
    /// 1 to <see cref="XmlLimits.MaxPreKeys"/> <c>&lt;pk&gt;</c> with distinct ids, every id in 1..2^31-1, and strict
    /// base64 of exactly 32 bytes (keys) or 64 bytes (signature).
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static Bundle Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>Parses an already loaded <c>&lt;bundle&gt;</c> element with the rules of <see cref="Parse(string)"/>.</summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static Bundle Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, Ns, "bundle", What);
        var children = XmlChildren.Distinct(element, Ns, What, "spk", "spks", "ik", "prekeys");
        if (children is not [{ } spk, { } spks, { } ik, { } prekeys])
            throw SafeXml.Malformed($"{What}: <spk>, <spks>, <ik> and <prekeys> are all required.");

        uint spkId = SafeXml.ParseId(SafeXml.Attribute(spk, "id"), "<spk id>");
        byte[] spkBytes = StrictBase64.Decode(SafeXml.TextContent(spk, "<spk>"), "<spk>", KeySize);
        byte[] signature = StrictBase64.Decode(SafeXml.TextContent(spks, "<spks>"), "<spks>", SignatureSize);
        byte[] identity = StrictBase64.Decode(SafeXml.TextContent(ik, "<ik>"), "<ik>", KeySize);
        var preKeys = XmlChildren.ParsePreKeys(prekeys, Ns, "pk", "id", (pk, tag) => StrictBase64.Decode(SafeXml.TextContent(pk, tag), tag, KeySize));
        return new Bundle(identity, spkId, spkBytes, signature, preKeys);
    }

    /// <summary>Builds the <c>&lt;bundle&gt;</c> element (children in the order spk, spks, ik, prekeys).</summary>
    /// <exception cref="ArgumentException">
    /// A key not 32 bytes, a signature not 64 bytes, an id outside 1..2^31-1, no pre-keys, more than
    /// <see cref="XmlLimits.MaxPreKeys"/>, or a duplicate pre-key id.
    /// </exception>
    public static XElement ToXElement(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        XmlArguments.CheckId(bundle.SignedPreKeyId, nameof(bundle));
        XmlArguments.CheckBytes(bundle.SignedPreKey, KeySize, nameof(bundle));
        XmlArguments.CheckBytes(bundle.SignedPreKeySignature, SignatureSize, nameof(bundle));
        XmlArguments.CheckBytes(bundle.IdentityKey, KeySize, nameof(bundle));
        var prekeys = XmlChildren.BuildPreKeys(bundle.PreKeys, Ns, "pk", "id", KeySize, Convert.ToBase64String, nameof(bundle));
        return new XElement(XName.Get("bundle", Ns),
            new XElement(XName.Get("spk", Ns), new XAttribute("id", bundle.SignedPreKeyId), Convert.ToBase64String(bundle.SignedPreKey)),
            new XElement(XName.Get("spks", Ns), Convert.ToBase64String(bundle.SignedPreKeySignature)),
            new XElement(XName.Get("ik", Ns), Convert.ToBase64String(bundle.IdentityKey)),
            prekeys);
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public static string ToXml(Bundle bundle) => SafeXml.Serialize(ToXElement(bundle));
}
