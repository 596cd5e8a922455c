namespace Omemo.Pep;

/// <summary>An item published to a PEP node of <see cref="InMemoryPepService"/>, as a subscriber would be told.</summary>
public sealed class PepItemPublishedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="jid">The bare JID owning the node.</param>
    /// <param name="node">The node name.</param>
    /// <param name="itemId">The item id.</param>
    /// <param name="payloadXml">The item's payload element, serialized.</param>
    /// <param name="notificationXml">The XEP-0060 notification <c>&lt;message&gt;</c> stanza, serialized.</param>
    public PepItemPublishedEventArgs(string jid, string node, string itemId, string payloadXml, string notificationXml)
    {
        Jid = jid;
        Node = node;
        ItemId = itemId;
        PayloadXml = payloadXml;
        NotificationXml = notificationXml;
    }

    /// <summary>The bare JID owning the node.</summary>
    public string Jid { get; }

    /// <summary>The node name, e.g. <see cref="PepNamespaces.DevicesNode"/>.</summary>
    public string Node { get; }

    /// <summary>The item id (<c>current</c> for a device list, the device id for a bundle).</summary>
    public string ItemId { get; }

    /// <summary>The item's payload element, serialized.</summary>
    public string PayloadXml { get; }

    /// <summary>
    /// The notification <c>&lt;message from='jid' type='headline'&gt;&lt;event&gt;...&lt;/event&gt;&lt;/message&gt;</c>
    /// (XEP-0384 listing 1), which <see cref="PepStanzas.ParseDeviceListNotification"/> reads.
    /// </summary>
    public string NotificationXml { get; }
}
