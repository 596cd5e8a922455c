using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml.Legacy;

/// <summary>
/// The legacy OMEMO 0.3 bundle, published at <see cref="LegacyNamespaces.BundleNode"/>:
/// <c>&lt;bundle xmlns='eu.siacs.conversations.axolotl'&gt;&lt;signedPreKeyPublic signedPreKeyId='..'&gt;b64&lt;/signedPreKeyPublic&gt;&lt;signedPreKeySignature&gt;b64&lt;/signedPreKeySignature&gt;&lt;identityKey&gt;b64&lt;/identityKey&gt;&lt;prekeys&gt;&lt;preKeyPublic preKeyId='..'&gt;b64&lt;/preKeyPublic&gt;...&lt;/prekeys&gt;&lt;/bundle&gt;</c>.
/// Keys travel as 33 bytes (0x05 and a Curve25519 key); see <see cref="LegacyBundle"/> for how they are held.
/// Parsing checks sizes and the type byte only; the signature is the engine's to check.
/// </summary>
public static class LegacyBundleXml
{
    private const string What = "<bundle>";
    private const string Ns = LegacyNamespaces.Axolotl;
    private const int SignatureSize = 64;

    /// <summary>
    /// Parses an untrusted legacy <c>&lt;bundle&gt;</c> document within <see cref="XmlLimits"/>. Requires exactly one
    /// each of <c>&lt;signedPreKeyPublic&gt;</c> (with <c>signedPreKeyId</c>), <c>&lt;signedPreKeySignature&gt;</c>,
    /// <c>&lt;identityKey&gt;</c> and <c>&lt;prekeys&gt;</c> (any order, no other elements), 1 to
    /// <see cref="XmlLimits.MaxPreKeys"/> <c>&lt;preKeyPublic preKeyId&gt;</c> with distinct ids, every id in
    /// 1..2^31-1, keys as strict base64 of 33 bytes starting with 0x05, and a 64-byte signature.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static LegacyBundle Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>Parses an already loaded legacy <c>&lt;bundle&gt;</c> element with the rules of <see cref="Parse(string)"/>.</summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static LegacyBundle Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, Ns, "bundle", What);
        var children = XmlChildren.Distinct(element, Ns, What, "signedPreKeyPublic", "signedPreKeySignature", "identityKey", "prekeys");
        if (children is not [{ } spk, { } signature, { } identity, { } prekeys])
            throw SafeXml.Malformed($"{What}: <signedPreKeyPublic>, <signedPreKeySignature>, <identityKey> and <prekeys> are all required.");

        uint spkId = SafeXml.ParseId(SafeXml.Attribute(spk, "signedPreKeyId"), "<signedPreKeyPublic signedPreKeyId>");
        byte[] spkKey = LegacyXml.DecodePublicKey(spk, "<signedPreKeyPublic>");
        byte[] sig = StrictBase64.Decode(SafeXml.TextContent(signature, "<signedPreKeySignature>"), "<signedPreKeySignature>", SignatureSize);
        byte[] ik = LegacyXml.DecodePublicKey(identity, "<identityKey>");
        var preKeys = XmlChildren.ParsePreKeys(prekeys, Ns, "preKeyPublic", "preKeyId", LegacyXml.DecodePublicKey);
        return new LegacyBundle(ik, spkId, spkKey, sig, preKeys);
    }

    /// <summary>
    /// Builds the legacy <c>&lt;bundle&gt;</c> element in schema order (signedPreKeyPublic, signedPreKeySignature,
    /// identityKey, prekeys), writing each 32-byte key with its 0x05 type byte.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A key not 32 bytes, a signature not 64 bytes, an id outside 1..2^31-1, no pre-keys, more than
    /// <see cref="XmlLimits.MaxPreKeys"/>, or a duplicate pre-key id.
    /// </exception>
    public static XElement ToXElement(LegacyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        XmlArguments.CheckId(bundle.SignedPreKeyId, nameof(bundle));
        XmlArguments.CheckBytes(bundle.SignedPreKey, LegacyXml.KeySize, nameof(bundle));
        XmlArguments.CheckBytes(bundle.SignedPreKeySignature, SignatureSize, nameof(bundle));
        XmlArguments.CheckBytes(bundle.IdentityKey, LegacyXml.KeySize, nameof(bundle));
        var prekeys = XmlChildren.BuildPreKeys(bundle.PreKeys, Ns, "preKeyPublic", "preKeyId", LegacyXml.KeySize, LegacyXml.EncodePublicKey, nameof(bundle));
        return new XElement(XName.Get("bundle", Ns),
            new XElement(XName.Get("signedPreKeyPublic", Ns), new XAttribute("signedPreKeyId", bundle.SignedPreKeyId), LegacyXml.EncodePublicKey(bundle.SignedPreKey)),
            new XElement(XName.Get("signedPreKeySignature", Ns), Convert.ToBase64String(bundle.SignedPreKeySignature)),
            new XElement(XName.Get("identityKey", Ns), LegacyXml.EncodePublicKey(bundle.IdentityKey)),
            prekeys);
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public static string ToXml(LegacyBundle bundle) => SafeXml.Serialize(ToXElement(bundle));
}
