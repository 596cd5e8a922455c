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
        XElement? spk = null, spks = null, ik = null, prekeys = null;
        foreach (var child in SafeXml.ChildElements(element, What))
        {
            if (child.Name.NamespaceName != Ns) throw SafeXml.Malformed($"{What}: unexpected child element.");
            switch (child.Name.LocalName)
            {
                case "spk": Once(ref spk, child); break;
                case "spks": Once(ref spks, child); break;
                case "ik": Once(ref ik, child); break;
                case "prekeys": Once(ref prekeys, child); break;
                default: throw SafeXml.Malformed($"{What}: unexpected child element.");
            }
        }
        if (spk is null || spks is null || ik is null || prekeys is null)
            throw SafeXml.Malformed($"{What}: <spk>, <spks>, <ik> and <prekeys> are all required.");

        uint spkId = SafeXml.ParseId(SafeXml.Attribute(spk, "id"), "<spk id>");
        byte[] spkBytes = StrictBase64.Decode(SafeXml.TextContent(spk, "<spk>"), "<spk>", KeySize);
        byte[] signature = StrictBase64.Decode(SafeXml.TextContent(spks, "<spks>"), "<spks>", SignatureSize);
        byte[] identity = StrictBase64.Decode(SafeXml.TextContent(ik, "<ik>"), "<ik>", KeySize);

        var preKeys = new List<PreKeyPublic>();
        var ids = new HashSet<uint>();
        foreach (var pk in SafeXml.ChildElements(prekeys, "<prekeys>"))
        {
            SafeXml.ExpectName(pk, Ns, "pk", "<prekeys> child");
            if (preKeys.Count == XmlLimits.MaxPreKeys) throw SafeXml.Malformed($"<prekeys>: more than {XmlLimits.MaxPreKeys} <pk>.");
            uint id = SafeXml.ParseId(SafeXml.Attribute(pk, "id"), "<pk id>");
            if (!ids.Add(id)) throw SafeXml.Malformed("<prekeys>: duplicate <pk> id.");
            preKeys.Add(new PreKeyPublic(id, StrictBase64.Decode(SafeXml.TextContent(pk, "<pk>"), "<pk>", KeySize)));
        }
        if (preKeys.Count == 0) throw SafeXml.Malformed("<prekeys>: no <pk>.");
        return new Bundle(identity, spkId, spkBytes, signature, preKeys);
    }

    private static void Once(ref XElement? slot, XElement child)
    {
        if (slot is not null) throw SafeXml.Malformed($"{What}: more than one <{child.Name.LocalName}>.");
        slot = child;
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
        ArgumentNullException.ThrowIfNull(bundle.PreKeys, nameof(bundle));
        if (bundle.PreKeys.Count == 0 || bundle.PreKeys.Count > XmlLimits.MaxPreKeys)
            throw new ArgumentException($"A bundle carries 1 to {XmlLimits.MaxPreKeys} pre-keys.", nameof(bundle));

        var prekeys = new XElement(XName.Get("prekeys", Ns));
        var ids = new HashSet<uint>();
        foreach (var pk in bundle.PreKeys)
        {
            ArgumentNullException.ThrowIfNull(pk, nameof(bundle));
            XmlArguments.CheckId(pk.Id, nameof(bundle));
            XmlArguments.CheckBytes(pk.PublicKey, KeySize, nameof(bundle));
            if (!ids.Add(pk.Id)) throw new ArgumentException("Duplicate pre-key id.", nameof(bundle));
            prekeys.Add(new XElement(XName.Get("pk", Ns), new XAttribute("id", pk.Id), Convert.ToBase64String(pk.PublicKey)));
        }
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
