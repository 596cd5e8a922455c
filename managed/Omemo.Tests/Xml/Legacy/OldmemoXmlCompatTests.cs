using System.Text.Json;
using Omemo.Crypto;
using Omemo.Tests.Peers;
using Omemo.X3dh;
using Omemo.Xml.Legacy;
using Xunit.Abstractions;
using static Omemo.Tests.Xml.XmlTestData;
using static Omemo.Tests.Xml.Legacy.LegacyXmlTestData;

namespace Omemo.Tests.Xml.Legacy;

/// <summary>
/// Cross-checks the legacy XML against Debian's python-oldmemo (oldmemo.etree, schema-validated with
/// python3-xmlschema), run through /usr/bin/python3 with the embedded oldmemo_xml.py: it parses what we write, and
/// writes what we parse. Fails when the peer is missing unless OMEMO_ALLOW_MISSING_PEERS=1.
/// </summary>
public class OldmemoXmlCompatTests(ITestOutputHelper output)
{
    private const string InstallHint =
        "The python-oldmemo XML peer is missing: apt-get install python3-oldmemo python3-xmlschema (or set OMEMO_ALLOW_MISSING_PEERS=1 to skip).";

    private static readonly PythonScript Peer = new("oldmemo_xml.py", "python-oldmemo peer", InstallHint) { Modules = ["xml_compat_driver.py"] };

    private static byte[] B(JsonElement e, string name) => Convert.FromBase64String(e.GetProperty(name).GetString()!);

    /// <summary>What we sent in one key, so the peer's reading can be compared.</summary>
    private sealed record SentKey(LegacyEncryptedKey Key, PeerKeyAssert.SentKey Sent);

    [Fact]
    public void OldmemoReadsOurXml_AndWeReadOldmemos()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);

        // The sender's Ed25519 identity key: oldmemo needs its sign bit to read key exchanges.
        var senderIk = new byte[32];
        Ed25519.DerivePublicKey(Bytes(rng, 32), senderIk);

        var sent = new List<(LegacyEncryptedElement Element, List<SentKey> Keys)>();
        for (int m = 0; m < 8; m++)
        {
            var keys = new List<SentKey>();
            var ids = new HashSet<uint>();
            for (int d = rng.Next(1, 6); d > 0; d--)
            {
                uint rid = DeviceId(rng);
                if (!ids.Add(rid)) continue;
                var auth = RandomAuthenticated(rng);
                bool preKey = rng.Next(2) == 0;
                uint pkId = DeviceId(rng), spkId = DeviceId(rng);
                byte[] ik = X25519Public(rng), ek = X25519Public(rng);
                var data = preKey ? LegacyKeyExchange(pkId, spkId, ik, ek, auth.Bytes) : auth.Bytes;
                keys.Add(new SentKey(new LegacyEncryptedKey(rid, data, preKey), new(preKey, auth, pkId, spkId, ik, ek)));
            }
            int ivSize = m == 1 ? LegacyEncryptedElement.LongIvSize : LegacyEncryptedElement.IvSize;
            sent.Add((new LegacyEncryptedElement(DeviceId(rng), keys.Select(k => k.Key).ToList(), Bytes(rng, ivSize),
                                                 m == 0 ? null : Bytes(rng, rng.Next(1, 500))), keys));
        }
        var bundles = Enumerable.Range(0, 3).Select(i => RandomBundle(rng, i == 0 ? 1 : 100)).ToList();
        uint[][] lists = [[DeviceId(rng), DeviceId(rng), Omemo.Xml.XmlLimits.MaxId, 1], [DeviceId(rng)], []];

        var result = Peer.Run(new
        {
            seed,
            sender_ik = Convert.ToBase64String(senderIk),
            encrypted = sent.Select(s => s.Element.ToXml()).ToArray(),
            bundles = bundles.Select(LegacyBundleXml.ToXml).ToArray(),
            devices = lists.Select(l => LegacyDeviceListXml.ToXml(l)).ToArray(),
        });
        if (result is not JsonElement peer)
        {
            output.WriteLine("python-oldmemo missing; skipped because OMEMO_ALLOW_MISSING_PEERS=1");
            return;
        }
        var parsed = peer.GetProperty("parsed");

        // (a) oldmemo reads our <encrypted>: sid, iv, payload, and every key with the right prekey flag and contents.
        var messages = parsed.GetProperty("encrypted").EnumerateArray().ToArray();
        Assert.Equal(sent.Count, messages.Length);
        for (int m = 0; m < sent.Count; m++)
        {
            var (element, keys) = sent[m];
            var read = messages[m];
            var readKeys = PeerKeyAssert.MessageRead(read, "oldmemo", element.SenderDeviceId, element.Payload, keys.Count);
            if (element.Payload is not null) Assert.Equal(element.Iv, B(read, "iv"));   // oldmemo replaces the IV of an empty message
            foreach (var k in keys)
            {
                var r = readKeys.Single(x => x.GetProperty("rid").GetUInt32() == k.Key.DeviceId);
                PeerKeyAssert.Matches(k.Sent, r, "prekey");
            }
        }

        // (a) oldmemo reads our bundles (keys compared in Curve25519 form, signature with its hidden sign bit).
        var readBundles = parsed.GetProperty("bundles").EnumerateArray().ToArray();
        Assert.Equal(bundles.Count, readBundles.Length);
        for (int i = 0; i < bundles.Count; i++)
        {
            Assert.True(readBundles[i].GetProperty("ok").GetBoolean(), $"oldmemo refused our <bundle>: {readBundles[i]}");
            AssertSame(bundles[i], ReadBundle(readBundles[i]));
        }

        // (a) oldmemo reads our device lists; its schema needs at least one device, so it refuses the empty one.
        var readDevices = parsed.GetProperty("devices").EnumerateArray().ToArray();
        for (int i = 0; i < 2; i++)
        {
            Assert.True(readDevices[i].GetProperty("ok").GetBoolean(), $"oldmemo refused our <list>: {readDevices[i]}");
            Assert.Equal(lists[i].Order(), readDevices[i].GetProperty("devices").EnumerateArray().Select(d => d.GetUInt32()));
        }
        Assert.False(readDevices[2].GetProperty("ok").GetBoolean());
        output.WriteLine($"oldmemo on an empty device list: {readDevices[2]}");

        // (b) we read oldmemo's <encrypted> (ns0: prefixes, prekey='true' only where set, an IV even when empty).
        var generated = peer.GetProperty("generated");
        int count = 0;
        foreach (var g in generated.GetProperty("encrypted").EnumerateArray())
        {
            var element = LegacyEncryptedElement.Parse(g.GetProperty("xml").GetString()!);
            Assert.Equal(g.GetProperty("sid").GetUInt32(), element.SenderDeviceId);
            Assert.Equal(B(g, "iv"), element.Iv);
            if (g.GetProperty("payload").ValueKind == JsonValueKind.Null) Assert.True(element.IsEmpty);
            else Assert.Equal(B(g, "payload"), element.Payload);
            var expected = g.GetProperty("keys").EnumerateArray()
                .Select(k => new LegacyEncryptedKey(k.GetProperty("rid").GetUInt32(), B(k, "data"), k.GetProperty("prekey").GetBoolean()));
            Assert.Equal(Describe(expected), Describe(element.Keys));
            AssertSame(element, LegacyEncryptedElement.Parse(element.ToXml()));
            count++;
        }
        Assert.Equal(6, count);

        // (b) we read oldmemo's bundles.
        foreach (var g in generated.GetProperty("bundles").EnumerateArray())
            AssertSame(ReadBundle(g), LegacyBundleXml.Parse(g.GetProperty("xml").GetString()!));

        // (b) we read oldmemo's device lists.
        foreach (var g in generated.GetProperty("devices").EnumerateArray())
            Assert.Equal(g.GetProperty("devices").EnumerateArray().Select(d => d.GetUInt32()),
                         LegacyDeviceListXml.Parse(g.GetProperty("xml").GetString()!).Order());
    }

    private static LegacyBundle ReadBundle(JsonElement e)
        => new(B(e, "ik"), e.GetProperty("spk_id").GetUInt32(), B(e, "spk"), B(e, "spks"),
               e.GetProperty("prekeys").EnumerateArray().Select(p => new PreKeyPublic(p[0].GetUInt32(), Convert.FromBase64String(p[1].GetString()!))).ToList());
}
