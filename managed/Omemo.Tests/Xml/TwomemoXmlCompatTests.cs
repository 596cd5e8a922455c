using System.Text.Json;
using Omemo.X3dh;
using Omemo.Xml;
using Omemo.Tests.Peers;
using Xunit.Abstractions;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

/// <summary>
/// Cross-checks the XML against Debian's python-twomemo (twomemo.etree, schema-validated with python3-xmlschema),
/// run through /usr/bin/python3 with the embedded twomemo_xml.py: it parses what we write, and writes what we
/// parse. Fails when the peer is missing unless OMEMO_ALLOW_MISSING_PEERS=1.
/// </summary>
public class TwomemoXmlCompatTests(ITestOutputHelper output)
{
    private const string InstallHint =
        "The python-twomemo XML peer is missing: apt-get install python3-twomemo python3-xmlschema (or set OMEMO_ALLOW_MISSING_PEERS=1 to skip).";

    private static byte[] B(JsonElement e, string name) => Convert.FromBase64String(e.GetProperty(name).GetString()!);

    private static readonly PythonScript Peer = new("twomemo_xml.py", "python-twomemo peer", InstallHint) { Modules = ["xml_compat_driver.py"] };

    /// <summary>Runs the peer; null when it is missing and OMEMO_ALLOW_MISSING_PEERS=1.</summary>
    private static JsonElement? RunPeer(object request) => Peer.Run(request);

    /// <summary>What we sent in one key, so the peer's reading can be compared.</summary>
    private sealed record SentKey(EncryptedKey Key, PeerKeyAssert.SentKey Sent);

    [Fact]
    public void TwomemoReadsOurXml_AndWeReadTwomemos()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);

        // Our <encrypted> elements, with well-formed protobuf in the keys (twomemo parses them).
        var sent = new List<(EncryptedElement Element, List<SentKey> Keys)>();
        for (int m = 0; m < 8; m++)
        {
            var keys = new List<SentKey>();
            foreach (var jid in new[] { "juliet@capulet.lit", "romeo@montague.lit", "mercutio@verona.lit" }.Take(1 + m % 3))
                for (int d = rng.Next(1, 4); d > 0; d--)
                {
                    var auth = Authenticated(rng);
                    bool kex = rng.Next(2) == 0;
                    uint pkId = DeviceId(rng), spkId = DeviceId(rng);
                    byte[] ik = Bytes(rng, 32), ek = Bytes(rng, 32);
                    var data = kex ? KeyExchange(pkId, spkId, ik, ek, auth.Bytes) : auth.Bytes;
                    keys.Add(new SentKey(new EncryptedKey(jid, DeviceId(rng), data, kex), new(kex, auth, pkId, spkId, ik, ek)));
                }
            sent.Add((new EncryptedElement(DeviceId(rng), keys.Select(k => k.Key).ToList(), m == 0 ? null : Bytes(rng, rng.Next(1, 500))), keys));
        }
        var bundles = Enumerable.Range(0, 3).Select(i => SignedBundle(rng, i == 0 ? 1 : 100)).ToList();
        var identitySeed = Bytes(rng, 32);
        var unlabelled = new List<DeviceEntry> { new(DeviceId(rng)), new(DeviceId(rng)), new(XmlLimits.MaxId), new(1) };
        var labelled = new List<DeviceEntry> { new(DeviceId(rng)), DeviceEntry.CreateSigned(DeviceId(rng), "Gajim on Debian ☎", identitySeed) };

        var result = RunPeer(new
        {
            seed,
            encrypted = sent.Select(s => new { xml = s.Element.ToXml(), sender = "juliet@capulet.lit" }).ToArray(),
            bundles = bundles.Select(BundleXml.ToXml).ToArray(),
            devices = new[] { DeviceListXml.ToXml(unlabelled), DeviceListXml.ToXml(labelled), DeviceListXml.ToXml([]) },
        });
        if (result is not JsonElement peer)
        {
            output.WriteLine("python-twomemo missing; skipped because OMEMO_ALLOW_MISSING_PEERS=1");
            return;
        }
        var parsed = peer.GetProperty("parsed");

        // (a) twomemo reads our <encrypted>: sid, payload, and every key with the right kex flag and contents.
        var messages = parsed.GetProperty("encrypted").EnumerateArray().ToArray();
        Assert.Equal(sent.Count, messages.Length);
        for (int m = 0; m < sent.Count; m++)
        {
            var (element, keys) = sent[m];
            var read = messages[m];
            var readKeys = PeerKeyAssert.MessageRead(read, "twomemo", element.SenderDeviceId, element.Payload, keys.Count);
            foreach (var k in keys)
            {
                var r = readKeys.Single(x => x.GetProperty("jid").GetString() == k.Key.Jid && x.GetProperty("rid").GetUInt32() == k.Key.DeviceId);
                PeerKeyAssert.Matches(k.Sent, r, "kex");
            }
        }

        // (a) twomemo reads our bundles.
        var readBundles = parsed.GetProperty("bundles").EnumerateArray().ToArray();
        Assert.Equal(bundles.Count, readBundles.Length);
        for (int i = 0; i < bundles.Count; i++)
        {
            var r = readBundles[i];
            Assert.True(r.GetProperty("ok").GetBoolean(), $"twomemo refused our <bundle>: {r}");
            AssertSame(bundles[i], ReadBundle(r));
        }

        // (a) twomemo reads our device lists. Its schema (1.0.3) has no labelsig and needs at least one device, so
        // it refuses a list with a signed label and an empty list: accepted here only as exactly that refusal.
        var readDevices = parsed.GetProperty("devices").EnumerateArray().ToArray();
        Assert.True(readDevices[0].GetProperty("ok").GetBoolean(), $"twomemo refused our <devices>: {readDevices[0]}");
        Assert.Equal(unlabelled.Select(d => d.Id).Order(), readDevices[0].GetProperty("devices").EnumerateArray().Select(d => d[0].GetUInt32()));
        Assert.All(readDevices[0].GetProperty("devices").EnumerateArray(), d => Assert.Equal(JsonValueKind.Null, d[1].ValueKind));
        if (readDevices[1].GetProperty("ok").GetBoolean())
        {
            var labels = readDevices[1].GetProperty("devices").EnumerateArray().ToDictionary(d => d[0].GetUInt32(), d => d[1].GetString());
            Assert.All(labelled, d => Assert.Equal(d.Label, labels[d.Id]));
        }
        else
        {
            Assert.Contains("labelsig", readDevices[1].GetProperty("error").GetString());
            output.WriteLine($"twomemo refuses signed labels: {readDevices[1].GetProperty("error").GetString()}");
        }
        output.WriteLine($"twomemo on an empty device list: {readDevices[2]}");

        // (b) we read twomemo's <encrypted> (ns0: prefixes, kex='true' only where set).
        var generated = peer.GetProperty("generated");
        int count = 0;
        foreach (var g in generated.GetProperty("encrypted").EnumerateArray())
        {
            var element = EncryptedElement.Parse(g.GetProperty("xml").GetString()!);
            Assert.Equal(g.GetProperty("sid").GetUInt32(), element.SenderDeviceId);
            if (g.GetProperty("payload").ValueKind == JsonValueKind.Null) Assert.True(element.IsEmpty);
            else Assert.Equal(B(g, "payload"), element.Payload);
            var expected = g.GetProperty("keys").EnumerateArray()
                .Select(k => new EncryptedKey(k.GetProperty("jid").GetString()!, k.GetProperty("rid").GetUInt32(), B(k, "data"), k.GetProperty("kex").GetBoolean()));
            Assert.Equal(Describe(expected), Describe(element.Keys));
            // And what we write from it is read back the same.
            AssertSame(element, EncryptedElement.Parse(element.ToXml()));
            count++;
        }
        Assert.Equal(6, count);

        // (b) we read twomemo's bundles; their signatures (libsodium via python-xeddsa) verify.
        foreach (var g in generated.GetProperty("bundles").EnumerateArray())
        {
            var bundle = BundleXml.Parse(g.GetProperty("xml").GetString()!);
            AssertSame(ReadBundle(g), bundle);
            Assert.True(bundle.HasValidSignature());
        }

        // (b) we read twomemo's device lists; its labels come without labelsig, so none verifies.
        foreach (var g in generated.GetProperty("devices").EnumerateArray())
        {
            var devices = DeviceListXml.Parse(g.GetProperty("xml").GetString()!);
            var expected = g.GetProperty("devices").EnumerateArray().Select(d => (d[0].GetUInt32(), d[1].GetString())).ToList();
            Assert.Equal(expected, devices.Select(d => (d.Id, d.Label)).OrderBy(d => d.Id));
            Assert.All(devices, d => Assert.Null(d.GetVerifiedLabel(bundles[0].IdentityKey)));
        }
    }

    private static Bundle ReadBundle(JsonElement e)
        => new(B(e, "ik"), e.GetProperty("spk_id").GetUInt32(), B(e, "spk"), B(e, "spks"),
               e.GetProperty("prekeys").EnumerateArray().Select(p => new PreKeyPublic(p[0].GetUInt32(), Convert.FromBase64String(p[1].GetString()!))).ToList());
}
