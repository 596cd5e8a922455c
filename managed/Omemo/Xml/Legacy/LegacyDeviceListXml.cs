using System.Xml.Linq;
using Omemo.Errors;

namespace Omemo.Xml.Legacy;

/// <summary>
/// The legacy OMEMO 0.3 device list, published at <see cref="LegacyNamespaces.DeviceListNode"/>:
/// <c>&lt;list xmlns='eu.siacs.conversations.axolotl'&gt;&lt;device id='..'/&gt;...&lt;/list&gt;</c>.
/// <para>
/// Version 0.3 has no device labels: python-oldmemo neither writes nor reads them, and a <c>label</c> that some
/// clients add is ignored here like any other unknown attribute. python-oldmemo's schema requires at least one
/// device, so it refuses an empty list, which this parser accepts (an account that removed its last device).
/// </para>
/// </summary>
public static class LegacyDeviceListXml
{
    private const string What = "<list>";
    private const string Ns = LegacyNamespaces.Axolotl;

    /// <summary>
    /// Parses an untrusted legacy <c>&lt;list&gt;</c> document within <see cref="XmlLimits"/>: only
    /// <c>&lt;device&gt;</c> children (zero to <see cref="XmlLimits.MaxDevices"/>), each with a distinct <c>id</c>
    /// in 1..2^31-1. Returns the ids in document order.
    /// </summary>
    /// <exception cref="MalformedMessageException">The document breaks any of these rules.</exception>
    public static IReadOnlyList<uint> Parse(string xml) => Parse(SafeXml.Load(xml, What));

    /// <summary>Parses an already loaded legacy <c>&lt;list&gt;</c> element with the rules of <see cref="Parse(string)"/>.</summary>
    /// <exception cref="MalformedMessageException">The element breaks the rules of <see cref="Parse(string)"/>.</exception>
    public static IReadOnlyList<uint> Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        SafeXml.ExpectName(element, Ns, "list", What);
        var ids = new List<uint>();
        var seen = new HashSet<uint>();
        foreach (var device in SafeXml.ChildElements(element, What))
        {
            SafeXml.ExpectName(device, Ns, "device", "<list> child");
            if (ids.Count == XmlLimits.MaxDevices) throw SafeXml.Malformed($"{What}: more than {XmlLimits.MaxDevices} devices.");
            uint id = SafeXml.ParseId(SafeXml.Attribute(device, "id"), "<device id>");
            if (!seen.Add(id)) throw SafeXml.Malformed($"{What}: duplicate device id.");
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>Builds the legacy <c>&lt;list&gt;</c> element, one <c>&lt;device id&gt;</c> per id, in order.</summary>
    /// <exception cref="ArgumentException">An id outside 1..2^31-1 or repeated, or more than <see cref="XmlLimits.MaxDevices"/> devices.</exception>
    public static XElement ToXElement(IEnumerable<uint> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var list = new XElement(XName.Get("list", Ns));
        var seen = new HashSet<uint>();
        foreach (uint id in deviceIds)
        {
            XmlArguments.CheckId(id, nameof(deviceIds));
            if (!seen.Add(id)) throw new ArgumentException("Duplicate device id.", nameof(deviceIds));
            if (seen.Count > XmlLimits.MaxDevices) throw new ArgumentException($"At most {XmlLimits.MaxDevices} devices.", nameof(deviceIds));
            list.Add(new XElement(XName.Get("device", Ns), new XAttribute("id", id)));
        }
        return list;
    }

    /// <summary>Serializes <see cref="ToXElement"/> without indentation or XML declaration.</summary>
    /// <exception cref="ArgumentException">See <see cref="ToXElement"/>.</exception>
    public static string ToXml(IEnumerable<uint> deviceIds) => SafeXml.Serialize(ToXElement(deviceIds));
}
