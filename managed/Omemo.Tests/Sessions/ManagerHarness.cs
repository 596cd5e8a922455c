using System.Text;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>Several <see cref="SessionManager"/>s over one <see cref="InMemoryPepService"/>, exchanging real XML.</summary>
public abstract class ManagerHarness
{
    protected const string Alice = "alice@example.org";
    protected const string Bob = "bob@example.org";
    protected const string Carol = "carol@example.org";

    protected InMemoryPepService Pep { get; } = new();

    /// <summary>Every IQ sent by the managers, in order (sender JID, stanza).</summary>
    protected List<(string From, string Iq)> SentIqs { get; } = [];

    protected async Task<SessionManager> NewAsync(string jid, IOmemoStore? store = null, SessionManagerOptions? options = null,
        ITrustPolicy? trust = null) =>
        await SessionManager.CreateAsync(store ?? new InMemoryOmemoStore(), new RecordingTransport(this, jid),
            trust ?? BlindTrustBeforeVerificationPolicy.Instance, jid, options);

    /// <summary>Through the wire: serialize and parse the element as a client would.</summary>
    protected static EncryptedElement Wire(EncryptedElement element) => EncryptedElement.Parse(element.ToXml());

    protected static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    protected static string Str(byte[]? utf8) => Encoding.UTF8.GetString(utf8 ?? throw new InvalidOperationException("no plaintext"));

    protected static async Task<DecryptResult> DeliverAsync(SessionManager to, string fromJid, EncryptedElement element) =>
        await to.DecryptAsync(fromJid, Wire(element));

    /// <summary>Alice and Bob with an answered key exchange (no pending KEX on either side).</summary>
    protected async Task<(SessionManager Alice, SessionManager Bob)> EstablishedAsync(IOmemoStore? aliceStore = null, IOmemoStore? bobStore = null)
    {
        var alice = await NewAsync(Alice, aliceStore);
        var bob = await NewAsync(Bob, bobStore);
        var first = await alice.EncryptAsync([Bob], Text("hello"));
        var received = await DeliverAsync(bob, Alice, first.Element);
        await DeliverAsync(alice, Bob, received.AutomaticReply!);
        return (alice, bob);
    }

    /// <summary>The bundle currently published for a device.</summary>
    protected Bundle PublishedBundle(string jid, uint deviceId) =>
        PepStanzas.ParseBundleResult(Pep.Process(Carol, PepStanzas.FetchBundle("b", jid, deviceId)), deviceId);

    /// <summary>The device list currently published for a JID.</summary>
    protected IReadOnlyList<DeviceEntry> PublishedDevices(string jid) =>
        PepStanzas.ParseDeviceListResult(Pep.Process(Carol, PepStanzas.FetchDeviceList("d", jid)));

    private sealed class RecordingTransport(ManagerHarness harness, string jid) : IPepTransport
    {
        public Task<string> SendIqAsync(string iqXml, CancellationToken cancellationToken)
        {
            harness.SentIqs.Add((jid, iqXml));
            return Task.FromResult(harness.Pep.Process(jid, iqXml));
        }
    }
}
