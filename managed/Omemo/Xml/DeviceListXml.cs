using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml;

/// <summary>
/// The OMEMO 2 device list (XEP-0384 section 5.3.1):
/// <c>&lt;devices xmlns='urn:xmpp:omemo:2'&gt;&lt;device id='..' label='..' labelsig='b64'/&gt;...&lt;/devices&gt;</c>.
/// <para>
/// Interoperability: python-twomemo 1.0.3 (Debian) validates device lists against a schema without
/// <c>labelsig</c> and with at least one device, so it refuses a whole list that carries a signed label, or an
/// empty one. Publish entries without labels where such peers matter.
/// </para>
/// </summary>
public static class DeviceListXml
{
    private const string What = "<devices>";
    private const string Ns = SafeXml.OmemoNamespace;

    /// <summary>
    /// Parses an untrusted <c>&lt;devices&gt;</c> document within <see cref="XmlLimits"/>: only <c>&lt;device&gt;</c>
    /// children (zero to <see cref="XmlLimits.MaxDevices"/>), each with a distinct <c>id</c> in 1..2^31-1. Labels are
    /// returned unverified (see <see cref="DeviceEntry.GetVerifiedLabel"/>); a <c>labelsig</c> that is not strict
    /// base64 of 64 bytes is dropped, which makes its label ignored.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static IReadOnlyList<DeviceEntry> Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>Parses an already loaded <c>&lt;devices&gt;</c> element with the rules of <see cref="Parse(string)"/>.</summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static IReadOnlyList<DeviceEntry> Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, Ns, "devices", What);
        var devices = new List<DeviceEntry>();
        var ids = new HashSet<uint>();
        foreach (var device in SafeXml.ChildElements(element, What))
        {
            SafeXml.ExpectName(device, Ns, "device", "<devices> child");
            if (devices.Count == XmlLimits.MaxDevices) throw SafeXml.Malformed($"{What}: more than {XmlLimits.MaxDevices} devices.");
            uint id = SafeXml.ParseId(SafeXml.Attribute(device, "id"), "<device id>");
            if (!ids.Add(id)) throw SafeXml.Malformed($"{What}: duplicate device id.");
            string? label = SafeXml.Attribute(device, "label");
            byte[]? signature = null;
            if (SafeXml.Attribute(device, "labelsig") is { } encoded
                && StrictBase64.TryDecode(encoded, out var decoded) && decoded.Length == Crypto.Ed25519.SignatureSize)
                signature = decoded;
            devices.Add(new DeviceEntry(id, label, signature));
        }
        return devices;
    }

    /// <summary>
    /// Builds the <c>&lt;devices&gt;</c> element; <c>label</c> and <c>labelsig</c> are written together or not at all.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An id outside 1..2^31-1 or repeated, more than <see cref="XmlLimits.MaxDevices"/> devices, a label without a
    /// signature or a signature without a label, a signature not 64 bytes, or a label XML cannot carry.
    /// </exception>
    public static XElement ToXElement(IEnumerable<DeviceEntry> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var list = new XElement(XName.Get("devices", Ns));
        var ids = new HashSet<uint>();
        foreach (var device in devices)
        {
            ArgumentNullException.ThrowIfNull(device, nameof(devices));
            XmlArguments.CheckId(device.Id, nameof(devices));
            if (!ids.Add(device.Id)) throw new ArgumentException("Duplicate device id.", nameof(devices));
            if (ids.Count > XmlLimits.MaxDevices) throw new ArgumentException($"At most {XmlLimits.MaxDevices} devices.", nameof(devices));
            var element = new XElement(XName.Get("device", Ns), new XAttribute("id", device.Id));
            if (device.Label is not null || device.LabelSignature is not null)
            {
                if (device.Label is null || device.LabelSignature is null)
                    throw new ArgumentException("A label must be published with its labelsig (XEP-0384 5.3.1).", nameof(devices));
                XmlArguments.CheckXmlText(device.Label, nameof(devices));
                XmlArguments.CheckBytes(device.LabelSignature, Crypto.Ed25519.SignatureSize, nameof(devices));
                element.Add(new XAttribute("label", device.Label), new XAttribute("labelsig", Convert.ToBase64String(device.LabelSignature)));
            }
            list.Add(element);
        }
        return list;
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public static string ToXml(IEnumerable<DeviceEntry> devices) => SafeXml.Serialize(ToXElement(devices));
}
