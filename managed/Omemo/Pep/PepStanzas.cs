using System.Xml.Linq;
using Omemo.Errors;
using Omemo.X3dh;
using Omemo.Xml;
using static Omemo.Pep.PepNamespaces;

namespace Omemo.Pep;

/// <summary>
/// Builds the XEP-0384 PEP IQ stanzas (publish the device list and bundles with publish-options, fetch them) as
/// XML strings, and parses the answers with the bounded parsers of <see cref="Omemo.Xml"/>. Stanzas are written
/// without a stream namespace (the XMPP library adds <c>jabber:client</c>); parsing accepts either.
/// </summary>
public static class PepStanzas
{
    private static readonly XNamespace PubSubNs = PubSub;
    private static readonly XNamespace FormNs = DataForms;

    /// <summary>
    /// <c>&lt;iq type='set'&gt;</c> publishing the own device list to <see cref="PepNamespaces.DevicesNode"/>, item
    /// <c>current</c>, with publish-options <c>pubsub#access_model</c> = <c>open</c> (XEP-0384 section 5.3.1).
    /// </summary>
    /// <param name="id">The IQ id.</param>
    /// <param name="devices">The complete list to publish (it replaces the previous one).</param>
    /// <param name="to">The own bare JID, or null to address the own account implicitly.</param>
    /// <exception cref="ArgumentException">A blank id or JID, or a list <see cref="DeviceListXml.ToXElement"/> refuses.</exception>
    public static string PublishDeviceList(string id, IEnumerable<DeviceEntry> devices, string? to = null)
        => Serialize(Iq("set", id, to, Publish(DevicesNode, CurrentItemId, DeviceListXml.ToXElement(devices),
            (AccessModelField, "open"))));

    /// <summary>
    /// <c>&lt;iq type='set'&gt;</c> publishing a bundle to <see cref="PepNamespaces.BundlesNode"/>, item id = the
    /// device id, with publish-options <c>pubsub#max_items</c> = <c>max</c> and <c>pubsub#access_model</c> =
    /// <c>open</c> (XEP-0384 section 5.3.2).
    /// </summary>
    /// <param name="id">The IQ id.</param>
    /// <param name="deviceId">The own device id (1..2^31-1), used as item id.</param>
    /// <param name="bundle">The bundle.</param>
    /// <param name="to">The own bare JID, or null to address the own account implicitly.</param>
    /// <exception cref="ArgumentException">A blank id or JID, a device id out of range, or a bundle <see cref="BundleXml.ToXElement"/> refuses.</exception>
    public static string PublishBundle(string id, uint deviceId, Bundle bundle, string? to = null)
    {
        XmlArguments.CheckId(deviceId, nameof(deviceId));
        return Serialize(Iq("set", id, to, Publish(BundlesNode, ItemId(deviceId), BundleXml.ToXElement(bundle),
            (MaxItemsField, "max"), (AccessModelField, "open"))));
    }

    /// <summary><c>&lt;iq type='get'&gt;</c> fetching the device list of <paramref name="to"/> (XEP-0384 listing 9).</summary>
    /// <exception cref="ArgumentException">A blank id or JID.</exception>
    public static string FetchDeviceList(string id, string to)
    {
        XmlArguments.CheckJid(to, nameof(to));
        return Serialize(Iq("get", id, to, new XElement(PubSubNs + "pubsub", new XElement(PubSubNs + "items", new XAttribute("node", DevicesNode)))));
    }

    /// <summary><c>&lt;iq type='get'&gt;</c> fetching the bundle of one device of <paramref name="to"/> (XEP-0384 listing 5).</summary>
    /// <exception cref="ArgumentException">A blank id or JID, or a device id out of range.</exception>
    public static string FetchBundle(string id, string to, uint deviceId)
    {
        XmlArguments.CheckJid(to, nameof(to));
        XmlArguments.CheckId(deviceId, nameof(deviceId));
        return Serialize(Iq("get", id, to, new XElement(PubSubNs + "pubsub", new XElement(PubSubNs + "items",
            new XAttribute("node", BundlesNode), new XElement(PubSubNs + "item", new XAttribute("id", ItemId(deviceId)))))));
    }

    /// <summary>
    /// Parses the answer to <see cref="FetchDeviceList"/>: the devices of item <c>current</c> (or, when the service
    /// used another id, of the last item); no item gives an empty list.
    /// </summary>
    /// <param name="iqXml">The untrusted IQ.</param>
    /// <param name="expectedId">When not null, the IQ id the answer must carry.</param>
    /// <exception cref="PepRequestFailedException">The answer is <c>type='error'</c> (e.g. <c>item-not-found</c>).</exception>
    /// <exception cref="MalformedMessageException">The answer is not a well-formed device list result within the limits.</exception>
    public static IReadOnlyList<DeviceEntry> ParseDeviceListResult(string iqXml, string? expectedId = null)
    {
        var item = LastItem(iqXml, DevicesNode, expectedId);
        return item is null ? [] : DeviceListXml.Parse(Payload(item));
    }

    /// <summary>Parses the answer to <see cref="FetchBundle"/>: the bundle in the item whose id is <paramref name="deviceId"/>.</summary>
    /// <param name="iqXml">The untrusted IQ.</param>
    /// <param name="deviceId">The device id that was asked for.</param>
    /// <param name="expectedId">When not null, the IQ id the answer must carry.</param>
    /// <exception cref="PepRequestFailedException">The answer is <c>type='error'</c> (e.g. <c>item-not-found</c>).</exception>
    /// <exception cref="MalformedMessageException">
    /// The answer is not a well-formed bundle result within the limits, or has no item for <paramref name="deviceId"/>.
    /// </exception>
    public static Bundle ParseBundleResult(string iqXml, uint deviceId, string? expectedId = null)
    {
        var items = ResultItems(iqXml, BundlesNode, expectedId);
        foreach (var item in SafeXml.ChildElements(items, "<items>"))
        {
            SafeXml.ExpectName(item, PubSub, "item", "<items> child");
            if (SafeXml.ParseId(SafeXml.Attribute(item, "id"), "<item id>") == deviceId)
                return BundleXml.Parse(Payload(item));
        }
        throw SafeXml.Malformed("<items>: no bundle item for the requested device.");
    }

    /// <summary>Checks the answer to a publish: returns when it is <c>type='result'</c>.</summary>
    /// <param name="iqXml">The untrusted IQ.</param>
    /// <param name="expectedId">When not null, the IQ id the answer must carry.</param>
    /// <exception cref="PepRequestFailedException">The answer is <c>type='error'</c> (e.g. <c>precondition-not-met</c>).</exception>
    /// <exception cref="MalformedMessageException">The answer is not an IQ result.</exception>
    public static void ParsePublishResult(string iqXml, string? expectedId = null) => Result(iqXml, expectedId);

    /// <summary>
    /// Parses a PEP notification (<c>&lt;message&gt;&lt;event xmlns='...pubsub#event'&gt;</c>, XEP-0384 listing 1)
    /// carrying a device list; null when the message is another kind of notification.
    /// </summary>
    /// <param name="messageXml">The untrusted message stanza.</param>
    /// <exception cref="MalformedMessageException">The message is not well formed, has no <c>from</c>, or carries a malformed device list.</exception>
    public static PepDeviceListUpdate? ParseDeviceListNotification(string messageXml)
    {
        var message = SafeXml.Load(messageXml, "<message>");
        ExpectStanza(message, "message");
        string from = SafeXml.ParseJid(SafeXml.Attribute(message, "from"), "<message from>");
        var items = message.Element(XName.Get("event", PubSubEvent))?.Element(XName.Get("items", PubSubEvent));
        if (items is null || SafeXml.Attribute(items, "node") != DevicesNode) return null;
        var item = items.Elements(XName.Get("item", PubSubEvent)).LastOrDefault();
        if (item is null) return null;
        return new PepDeviceListUpdate(BareJid(from), DeviceListXml.Parse(Payload(item)));
    }

    /// <summary>The bare form of a JID (the part before the first '/').</summary>
    /// <exception cref="ArgumentNullException"><paramref name="jid"/> is null.</exception>
    public static string BareJid(string jid)
    {
        ArgumentNullException.ThrowIfNull(jid);
        int slash = jid.IndexOf('/');
        return slash < 0 ? jid : jid[..slash];
    }

    internal static string ItemId(uint deviceId) => deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static XElement Iq(string type, string id, string? to, XElement child, string? from = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (SafeXml.IsXmlWhitespace(id)) throw new ArgumentException("An IQ id must not be blank.", nameof(id));
        XmlArguments.CheckXmlText(id, nameof(id));
        var iq = new XElement("iq", new XAttribute("type", type), new XAttribute("id", id));
        if (from is not null) iq.Add(new XAttribute("from", from));
        if (to is not null)
        {
            XmlArguments.CheckJid(to, nameof(to));
            iq.Add(new XAttribute("to", to));
        }
        iq.Add(child);
        return iq;
    }

    internal static XElement Publish(string node, string itemId, XElement payload, params (string Var, string Value)[] options)
    {
        var form = new XElement(FormNs + "x", new XAttribute("type", "submit"),
            new XElement(FormNs + "field", new XAttribute("var", "FORM_TYPE"), new XAttribute("type", "hidden"),
                new XElement(FormNs + "value", PublishOptionsFormType)));
        foreach (var (name, value) in options)
            form.Add(new XElement(FormNs + "field", new XAttribute("var", name), new XElement(FormNs + "value", value)));
        return new XElement(PubSubNs + "pubsub",
            new XElement(PubSubNs + "publish", new XAttribute("node", node),
                new XElement(PubSubNs + "item", new XAttribute("id", itemId), payload)),
            new XElement(PubSubNs + "publish-options", form));
    }

    internal static string Serialize(XElement element) => SafeXml.Serialize(element);

    /// <summary>Checks an IQ/message stanza name: no namespace or <c>jabber:client</c>/<c>jabber:server</c>.</summary>
    internal static void ExpectStanza(XElement stanza, string localName)
    {
        string ns = stanza.Name.NamespaceName;
        if (stanza.Name.LocalName != localName || ns is not ("" or "jabber:client" or "jabber:server"))
            throw SafeXml.Malformed($"<{localName}>: expected an XMPP <{localName}> stanza.");
    }

    /// <summary>The stanza error condition of an error IQ: the pubsub-specific one when given, else the RFC 6120 one.</summary>
    internal static string ErrorCondition(XElement iq)
    {
        var error = iq.Elements().FirstOrDefault(e => e.Name.LocalName == "error");
        var specific = error?.Elements().FirstOrDefault(e => e.Name.NamespaceName == PubSubErrors)
            ?? error?.Elements().FirstOrDefault(e => e.Name.NamespaceName == Stanzas);
        string condition = specific?.Name.LocalName ?? "undefined-condition";
        return condition.Length > 64 ? "undefined-condition" : condition;
    }

    private static XElement Result(string iqXml, string? expectedId)
    {
        var iq = SafeXml.Load(iqXml, "<iq>");
        ExpectStanza(iq, "iq");
        if (expectedId is not null && SafeXml.Attribute(iq, "id") != expectedId)
            throw SafeXml.Malformed("<iq>: the id does not match the request.");
        switch (SafeXml.Attribute(iq, "type"))
        {
            case "result": return iq;
            case "error": throw new PepRequestFailedException(ErrorCondition(iq));
            default: throw SafeXml.Malformed("<iq>: not a result.");
        }
    }

    internal static XElement ResultItems(string iqXml, string node, string? expectedId)
    {
        var iq = Result(iqXml, expectedId);
        var pubsub = iq.Element(PubSubNs + "pubsub") ?? throw SafeXml.Malformed("<iq>: no <pubsub> in the result.");
        var items = pubsub.Element(PubSubNs + "items") ?? throw SafeXml.Malformed("<pubsub>: no <items>.");
        if (SafeXml.Attribute(items, "node") != node) throw SafeXml.Malformed("<items>: not the requested node.");
        return items;
    }

    /// <summary>The item <c>current</c> of a fetched node, or the last one when the service used other ids; null without items.</summary>
    internal static XElement? LastItem(string iqXml, string node, string? expectedId)
    {
        var items = ResultItems(iqXml, node, expectedId);
        XElement? item = null;
        foreach (var child in SafeXml.ChildElements(items, "<items>"))
        {
            SafeXml.ExpectName(child, PubSub, "item", "<items> child");
            if (item is null || SafeXml.Attribute(item, "id") != CurrentItemId) item = child;
        }
        return item;
    }

    /// <summary>The single payload element of an <c>&lt;item&gt;</c>.</summary>
    internal static XElement Payload(XElement item)
    {
        XElement? payload = null;
        foreach (var child in SafeXml.ChildElements(item, "<item>"))
        {
            if (payload is not null) throw SafeXml.Malformed("<item>: more than one payload.");
            payload = child;
        }
        return payload ?? throw SafeXml.Malformed("<item>: no payload.");
    }
}

/// <summary>A device list received in a PEP notification.</summary>
/// <param name="Jid">The bare JID that published it.</param>
/// <param name="Devices">The devices (labels unverified, see <see cref="DeviceEntry.GetVerifiedLabel"/>).</param>
public sealed record PepDeviceListUpdate(string Jid, IReadOnlyList<DeviceEntry> Devices);
