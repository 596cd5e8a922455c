using System.Xml.Linq;
using Omemo.Xml;
using Omemo.Xml.Legacy;
using static Omemo.Pep.PepNamespaces;

namespace Omemo.Pep;

/// <summary>
/// The PEP requests of legacy OMEMO 0.3 (eu.siacs.conversations.axolotl): the device list in node
/// <see cref="LegacyNamespaces.DeviceListNode"/> and one bundle node per device
/// (<see cref="LegacyNamespaces.BundleNode"/>), each with one item <c>current</c>, both open to everyone, as
/// Conversations and python-oldmemo publish them. Answers are parsed with the same limits as OMEMO 2's.
/// </summary>
public static class LegacyPepStanzas
{
    private static readonly XNamespace PubSubNs = PubSub;

    /// <summary><c>&lt;iq type='set'&gt;</c> publishing the own legacy device list (it replaces the previous one).</summary>
    /// <param name="id">The IQ id.</param>
    /// <param name="deviceIds">The complete list of device ids.</param>
    /// <exception cref="ArgumentException">A blank id, or ids <see cref="LegacyDeviceListXml.ToXElement"/> refuses.</exception>
    public static string PublishDeviceList(string id, IEnumerable<uint> deviceIds)
        => PepStanzas.Serialize(PepStanzas.Iq("set", id, null, PepStanzas.Publish(LegacyNamespaces.DeviceListNode, CurrentItemId,
            LegacyDeviceListXml.ToXElement(deviceIds), (AccessModelField, "open"))));

    /// <summary><c>&lt;iq type='set'&gt;</c> publishing the own legacy bundle to its per-device node.</summary>
    /// <param name="id">The IQ id.</param>
    /// <param name="deviceId">The own device id (1..2^31-1).</param>
    /// <param name="bundle">The bundle.</param>
    /// <exception cref="ArgumentException">A blank id, a device id out of range, or a bundle <see cref="LegacyBundleXml.ToXElement"/> refuses.</exception>
    public static string PublishBundle(string id, uint deviceId, LegacyBundle bundle)
        => PepStanzas.Serialize(PepStanzas.Iq("set", id, null, PepStanzas.Publish(LegacyNamespaces.BundleNode(deviceId), CurrentItemId,
            LegacyBundleXml.ToXElement(bundle), (AccessModelField, "open"))));

    /// <summary><c>&lt;iq type='get'&gt;</c> fetching the legacy device list of <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentException">A blank id or JID.</exception>
    public static string FetchDeviceList(string id, string to) => Fetch(id, to, LegacyNamespaces.DeviceListNode);

    /// <summary><c>&lt;iq type='get'&gt;</c> fetching the legacy bundle of one device of <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentException">A blank id or JID, or a device id out of range.</exception>
    public static string FetchBundle(string id, string to, uint deviceId) => Fetch(id, to, LegacyNamespaces.BundleNode(deviceId));

    /// <summary>Parses the answer to <see cref="FetchDeviceList"/>: the ids of the last item (no item: empty).</summary>
    /// <param name="iqXml">The untrusted IQ.</param>
    /// <param name="expectedId">When not null, the IQ id the answer must carry.</param>
    /// <exception cref="Errors.PepRequestFailedException">The answer is <c>type='error'</c>.</exception>
    /// <exception cref="Errors.MalformedMessageException">The answer is not a well-formed legacy device list result.</exception>
    public static IReadOnlyList<uint> ParseDeviceListResult(string iqXml, string? expectedId = null)
        => PepStanzas.LastItem(iqXml, LegacyNamespaces.DeviceListNode, expectedId) is { } item ? LegacyDeviceListXml.Parse(PepStanzas.Payload(item)) : [];

    /// <summary>Parses the answer to <see cref="FetchBundle"/>.</summary>
    /// <param name="iqXml">The untrusted IQ.</param>
    /// <param name="deviceId">The device id that was asked for.</param>
    /// <param name="expectedId">When not null, the IQ id the answer must carry.</param>
    /// <exception cref="Errors.PepRequestFailedException">The answer is <c>type='error'</c>.</exception>
    /// <exception cref="Errors.MalformedMessageException">The answer is not a well-formed legacy bundle result, or has no item.</exception>
    public static LegacyBundle ParseBundleResult(string iqXml, uint deviceId, string? expectedId = null)
        => PepStanzas.LastItem(iqXml, LegacyNamespaces.BundleNode(deviceId), expectedId) is { } item
            ? LegacyBundleXml.Parse(PepStanzas.Payload(item))
            : throw SafeXml.Malformed("<items>: the legacy bundle node has no item.");

    private static string Fetch(string id, string to, string node)
    {
        XmlArguments.CheckJid(to, nameof(to));
        return PepStanzas.Serialize(PepStanzas.Iq("get", id, to,
            new XElement(PubSubNs + "pubsub", new XElement(PubSubNs + "items", new XAttribute("node", node)))));
    }
}
