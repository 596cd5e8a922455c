using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Xml;
using Omemo.Xml.Legacy;

namespace Omemo.InteropTests.Python;

/// <summary>
/// The PEP our <see cref="SessionManager"/>s and live python peers share, for tests without an XMPP server: the
/// managers talk to an <see cref="InMemoryPepService"/>; everything an engine account publishes there (OMEMO 2 and legacy
/// bundles and device lists) is handed at once to every following python peer that speaks that namespace (its fake
/// PEP, and python-omemo's device list update); <see cref="PublishPython"/> copies a python peer's own bundles and
/// device lists into the service under its JID, as python-omemo would have published them.
/// </summary>
internal sealed class PythonPepBridge : IDisposable
{
    private readonly HashSet<string> _engineJids;
    private readonly List<PythonPeer> _followers = [];
    private int _iq;

    public InMemoryPepService Pep { get; } = new();

    /// <param name="engineJids">The accounts whose publications python peers learn.</param>
    public PythonPepBridge(params string[] engineJids)
    {
        _engineJids = [.. engineJids];
        Pep.ItemPublished += Forward;
    }

    /// <summary>What a <see cref="SessionManager"/> of <paramref name="jid"/> uses as PEP transport.</summary>
    public IPepTransport TransportFor(string jid) => new InMemoryPepTransport(Pep, jid);

    /// <summary>From now on <paramref name="peer"/> (initialised) receives every publication of the engine accounts.
    /// Add the peers before the managers are created, so that they see the first publications too.</summary>
    public void Follow(PythonPeer peer)
    {
        if (peer.Identity is null) throw new InvalidOperationException("initialise the peer first");
        _followers.Add(peer);
    }

    /// <summary>Publishes <paramref name="peer"/>'s current bundle and device list of each of its namespaces (again after
    /// python-omemo replaced a used pre-key).</summary>
    public void PublishPython(PythonPeer peer)
    {
        var me = peer.Identity ?? throw new InvalidOperationException("initialise the peer first");
        foreach (string ns in me.Namespaces)
        {
            string bundle = peer.BundleXml(ns), list = peer.DeviceListXml(null, ns);
            bool legacy = ns == PythonPeer.LegacyNamespace;
            Publish(me.Jid, legacy
                ? LegacyPepStanzas.PublishBundle(NextId(), me.DeviceId, LegacyBundleXml.Parse(bundle))
                : PepStanzas.PublishBundle(NextId(), me.DeviceId, BundleXml.Parse(bundle)));
            Publish(me.Jid, legacy
                ? LegacyPepStanzas.PublishDeviceList(NextId(), LegacyDeviceListXml.Parse(list))
                : PepStanzas.PublishDeviceList(NextId(), DeviceListXml.Parse(list)));
        }
    }

    private string NextId() => $"python-bridge-{++_iq}";

    private void Publish(string jid, string iq) => PepStanzas.ParsePublishResult(Pep.Process(jid, iq));

    private void Forward(object? sender, PepItemPublishedEventArgs e)
    {
        if (!_engineJids.Contains(e.Jid)) return;
        string ns;
        uint? bundleOf = null;
        if (e.Node == LegacyNamespaces.DeviceListNode) ns = PythonPeer.LegacyNamespace;
        else if (e.Node.StartsWith(LegacyNamespaces.BundleNodePrefix, StringComparison.Ordinal))
            (ns, bundleOf) = (PythonPeer.LegacyNamespace, uint.Parse(e.Node[LegacyNamespaces.BundleNodePrefix.Length..]));
        else if (e.Node == PepNamespaces.DevicesNode) ns = PythonPeer.Omemo2Namespace;
        else if (e.Node == PepNamespaces.BundlesNode) (ns, bundleOf) = (PythonPeer.Omemo2Namespace, uint.Parse(e.ItemId));
        else return;
        foreach (var peer in _followers.Where(p => p.Identity!.Namespaces.Contains(ns)))
        {
            if (bundleOf is uint device) peer.AddPeerBundle(e.Jid, device, e.PayloadXml, ns);
            else peer.SetDeviceList(e.Jid, e.PayloadXml, ns);
        }
    }

    public void Dispose() => Pep.ItemPublished -= Forward;
}
