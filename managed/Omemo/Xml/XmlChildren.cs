using System.Xml.Linq;
using Omemo.X3dh;

namespace Omemo.Xml;

/// <summary>Child-element helpers shared by the OMEMO 2 and legacy OMEMO 0.3 parsers and writers.</summary>
internal static class XmlChildren
{
    /// <summary>
    /// The children of <paramref name="parent"/> named <c>{ns}names[i]</c>, at index i (null when absent): each may
    /// occur at most once, in any order, and no other child element nor non-whitespace text is allowed.
    /// </summary>
    internal static XElement?[] Distinct(XElement parent, string ns, string what, params string[] names)
    {
        var found = new XElement?[names.Length];
        foreach (var child in SafeXml.ChildElements(parent, what))
        {
            int i = child.Name.NamespaceName == ns ? Array.IndexOf(names, child.Name.LocalName) : -1;
            if (i < 0) throw SafeXml.Malformed($"{what}: unexpected child element.");
            if (found[i] is not null) throw SafeXml.Malformed($"{what}: more than one <{names[i]}>.");
            found[i] = child;
        }
        return found;
    }

    /// <summary>
    /// Parses a bundle's <c>&lt;prekeys&gt;</c>: 1 to <see cref="XmlLimits.MaxPreKeys"/> <c>{ns}element</c> children
    /// with distinct <paramref name="idAttribute"/> in 1..2^31-1, each key read by <paramref name="decodeKey"/>.
    /// </summary>
    internal static List<PreKeyPublic> ParsePreKeys(XElement prekeys, string ns, string element, string idAttribute, Func<XElement, string, byte[]> decodeKey)
    {
        string tag = $"<{element}>";
        var preKeys = new List<PreKeyPublic>();
        var ids = new HashSet<uint>();
        foreach (var pk in SafeXml.ChildElements(prekeys, "<prekeys>"))
        {
            SafeXml.ExpectName(pk, ns, element, "<prekeys> child");
            if (preKeys.Count == XmlLimits.MaxPreKeys) throw SafeXml.Malformed($"<prekeys>: more than {XmlLimits.MaxPreKeys} {tag}.");
            uint id = SafeXml.ParseId(SafeXml.Attribute(pk, idAttribute), $"<{element} {idAttribute}>");
            if (!ids.Add(id)) throw SafeXml.Malformed($"<prekeys>: duplicate {tag} id.");
            preKeys.Add(new PreKeyPublic(id, decodeKey(pk, tag)));
        }
        if (preKeys.Count == 0) throw SafeXml.Malformed($"<prekeys>: no {tag}.");
        return preKeys;
    }

    /// <summary>
    /// Builds a bundle's <c>&lt;prekeys&gt;</c> from 1 to <see cref="XmlLimits.MaxPreKeys"/> pre-keys with distinct
    /// ids in 1..2^31-1 and keys of <paramref name="keySize"/> bytes, each written by <paramref name="encodeKey"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The pre-keys break these rules (reported against <paramref name="paramName"/>).</exception>
    internal static XElement BuildPreKeys(IReadOnlyList<PreKeyPublic>? preKeys, string ns, string element, string idAttribute,
                                          int keySize, Func<byte[], string> encodeKey, string paramName)
    {
        ArgumentNullException.ThrowIfNull(preKeys, paramName);
        if (preKeys.Count == 0 || preKeys.Count > XmlLimits.MaxPreKeys)
            throw new ArgumentException($"A bundle carries 1 to {XmlLimits.MaxPreKeys} pre-keys.", paramName);
        var list = new XElement(XName.Get("prekeys", ns));
        var ids = new HashSet<uint>();
        foreach (var pk in preKeys)
        {
            ArgumentNullException.ThrowIfNull(pk, paramName);
            XmlArguments.CheckId(pk.Id, paramName);
            XmlArguments.CheckBytes(pk.PublicKey, keySize, paramName);
            if (!ids.Add(pk.Id)) throw new ArgumentException("Duplicate pre-key id.", paramName);
            list.Add(new XElement(XName.Get(element, ns), new XAttribute(idAttribute, pk.Id), encodeKey(pk.PublicKey)));
        }
        return list;
    }

    /// <summary>Checks a message's key count: 1 to <see cref="XmlLimits.MaxKeys"/>.</summary>
    /// <exception cref="ArgumentException">No keys, or too many.</exception>
    internal static void CheckKeyCount<T>(IReadOnlyList<T>? keys, string paramName)
    {
        ArgumentNullException.ThrowIfNull(keys, paramName);
        if (keys.Count == 0) throw new ArgumentException("An <encrypted> element needs at least one key.", paramName);
        if (keys.Count > XmlLimits.MaxKeys) throw new ArgumentException($"At most {XmlLimits.MaxKeys} keys.", paramName);
    }

    /// <summary>The optional <c>&lt;payload&gt;</c>: null when absent, else strict non-empty base64.</summary>
    internal static byte[]? ParsePayload(XElement? payload)
        => payload is null ? null : StrictBase64.Decode(SafeXml.TextContent(payload, "<payload>"), "<payload>");

    /// <summary>Adds <c>&lt;payload&gt;</c> to <paramref name="encrypted"/> unless <paramref name="payload"/> is null (an empty message).</summary>
    /// <exception cref="ArgumentException">The payload is empty rather than null.</exception>
    internal static void AddPayload(XElement encrypted, string ns, byte[]? payload, string paramName)
    {
        if (payload is null) return;
        XmlArguments.CheckBytes(payload, -1, paramName);
        encrypted.Add(new XElement(XName.Get("payload", ns), Convert.ToBase64String(payload)));
    }

    /// <summary>
    /// Reads one <c>&lt;key rid='..'&gt;b64&lt;/key&gt;</c> of a header already holding <paramref name="keysSoFar"/> keys
    /// (refused past <see cref="XmlLimits.MaxKeys"/>): the rid in 1..2^31-1, the xs:boolean
    /// <paramref name="flagAttribute"/> (false when absent) and strict non-empty base64 data.
    /// </summary>
    internal static (uint Rid, bool Flag, byte[] Data) ParseKey(XElement key, string flagAttribute, int keysSoFar)
    {
        if (keysSoFar == XmlLimits.MaxKeys) throw SafeXml.Malformed($"<encrypted>: more than {XmlLimits.MaxKeys} <key> elements.");
        uint rid = SafeXml.ParseId(SafeXml.Attribute(key, "rid"), "<key rid>");
        bool flag = SafeXml.ParseBoolean(SafeXml.Attribute(key, flagAttribute), false, $"<key {flagAttribute}>");
        return (rid, flag, StrictBase64.Decode(SafeXml.TextContent(key, "<key>"), "<key>"));
    }

    /// <summary>
    /// The common frame of an <c>&lt;encrypted&gt;</c> element in namespace <paramref name="ns"/>: at most one
    /// <c>&lt;payload&gt;</c>, exactly one <c>&lt;header&gt;</c> and its <c>sid</c> in 1..2^31-1.
    /// </summary>
    internal static (XElement Header, uint Sid, XElement? Payload) EncryptedFrame(XElement element, string ns, string what)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, ns, "encrypted", what);
        var children = Distinct(element, ns, what, "header", "payload");
        XElement header = children[0] ?? throw SafeXml.Malformed($"{what}: missing <header>.");
        return (header, SafeXml.ParseId(SafeXml.Attribute(header, "sid"), "<header sid>"), children[1]);
    }
}
