namespace Omemo.Pep;

/// <summary>Node names, item ids and namespaces of OMEMO's use of PEP (XEP-0384 section 5.3, XEP-0060, XEP-0004).</summary>
public static class PepNamespaces
{
    /// <summary>The device list node, <c>urn:xmpp:omemo:2:devices</c> (one item, id <see cref="CurrentItemId"/>).</summary>
    public const string DevicesNode = "urn:xmpp:omemo:2:devices";

    /// <summary>The bundles node, <c>urn:xmpp:omemo:2:bundles</c> (one item per device, item id = device id).</summary>
    public const string BundlesNode = "urn:xmpp:omemo:2:bundles";

    /// <summary>The item id of the device list, <c>current</c> (XEP-0060 section 12.20).</summary>
    public const string CurrentItemId = "current";

    /// <summary>XEP-0060's <c>http://jabber.org/protocol/pubsub</c>.</summary>
    public const string PubSub = "http://jabber.org/protocol/pubsub";

    /// <summary>XEP-0060's event namespace, <c>http://jabber.org/protocol/pubsub#event</c>.</summary>
    public const string PubSubEvent = "http://jabber.org/protocol/pubsub#event";

    /// <summary>XEP-0060's error namespace, <c>http://jabber.org/protocol/pubsub#errors</c>.</summary>
    public const string PubSubErrors = "http://jabber.org/protocol/pubsub#errors";

    /// <summary>XEP-0004 data forms, <c>jabber:x:data</c>.</summary>
    public const string DataForms = "jabber:x:data";

    /// <summary>The FORM_TYPE of publish-options, <c>http://jabber.org/protocol/pubsub#publish-options</c>.</summary>
    public const string PublishOptionsFormType = "http://jabber.org/protocol/pubsub#publish-options";

    /// <summary>RFC 6120 stanza error conditions, <c>urn:ietf:params:xml:ns:xmpp-stanzas</c>.</summary>
    public const string Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

    /// <summary>The publish option field for the access model (OMEMO requires <c>open</c>).</summary>
    public const string AccessModelField = "pubsub#access_model";

    /// <summary>The publish option field for the number of items kept (OMEMO bundles require <c>max</c>).</summary>
    public const string MaxItemsField = "pubsub#max_items";
}
