namespace Omemo.Sessions;

/// <summary>What a <see cref="SessionManager"/> publishes to PEP.</summary>
public enum PublishKind
{
    /// <summary>The own bundle (node <c>urn:xmpp:omemo:2:bundles</c>, item id = device id).</summary>
    Bundle = 0,
    /// <summary>The own device list (node <c>urn:xmpp:omemo:2:devices</c>, item id <c>current</c>).</summary>
    DeviceList = 1,

    /// <summary>The legacy OMEMO 0.3 bundle (its own node per device).</summary>
    LegacyBundle = 2,

    /// <summary>The legacy OMEMO 0.3 device list.</summary>
    LegacyDeviceList = 3,
}

/// <summary>Data of <see cref="SessionManager.Publishing"/>: what is about to be published, and the exact IQ stanza.</summary>
/// <param name="kind">Bundle or device list.</param>
/// <param name="iqXml">The publish IQ sent through the <see cref="IPepTransport"/> (public keys only, no secrets).</param>
public sealed class PublishEventArgs(PublishKind kind, string iqXml) : EventArgs
{
    /// <summary>Bundle or device list.</summary>
    public PublishKind Kind { get; } = kind;

    /// <summary>The publish IQ stanza (public keys only).</summary>
    public string IqXml { get; } = iqXml;
}
