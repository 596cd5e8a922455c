using Omemo.X3dh;
using Omemo.Xml.Legacy;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml.Legacy;

/// <summary>Random legacy OMEMO 0.3 data for the legacy XML tests, including hand-encoded legacy key blobs.</summary>
internal static class LegacyXmlTestData
{
    public const string Ns = LegacyNamespaces.Axolotl;

    /// <summary>The 33-byte wire form of a Curve25519 key.</summary>
    public static byte[] Serialized(byte[] key) => [0x05, .. key];

    /// <summary>0x33 || OMEMOMessage { dh_pub (0x05-prefixed), n, pn, ciphertext } || 8-byte mac, as python-oldmemo lays it out.</summary>
    public static AuthenticatedMessage RandomAuthenticated(Random rng)
    {
        var dhPub = X25519Public(rng);
        uint n = (uint)rng.Next(0, 1000), pn = (uint)rng.Next(0, 1000);
        var o = new List<byte> { 0x33 };
        Field(o, 1, Serialized(dhPub));
        Field(o, 2, n);
        Field(o, 3, pn);
        Field(o, 4, Bytes(rng, 48));
        o.AddRange(Bytes(rng, 8));
        return new AuthenticatedMessage(o.ToArray(), dhPub, n, pn);
    }

    /// <summary>0x33 || OMEMOKeyExchange { pk_id, ek, ik (both 0x05-prefixed), message, spk_id }.</summary>
    public static byte[] LegacyKeyExchange(uint pkId, uint spkId, byte[] ik, byte[] ek, byte[] authenticated)
    {
        var o = new List<byte> { 0x33 };
        Field(o, 1, pkId);
        Field(o, 2, Serialized(ek));
        Field(o, 3, Serialized(ik));
        Field(o, 4, authenticated);
        Field(o, 6, spkId);
        return o.ToArray();
    }

    /// <summary>An element with opaque key data, a 12-byte IV, and a payload unless <paramref name="empty"/>.</summary>
    public static LegacyEncryptedElement RandomElement(Random rng, bool empty = false, int keys = 0)
    {
        var list = new List<LegacyEncryptedKey>();
        var ids = new HashSet<uint>();
        for (int i = keys > 0 ? keys : rng.Next(1, 6); i > 0; i--)
        {
            uint id = DeviceId(rng);
            if (ids.Add(id)) list.Add(new LegacyEncryptedKey(id, Bytes(rng, rng.Next(1, 200)), rng.Next(2) == 0));
        }
        return new LegacyEncryptedElement(DeviceId(rng), list, Bytes(rng, LegacyEncryptedElement.IvSize), empty ? null : Bytes(rng, rng.Next(1, 300)));
    }

    /// <summary>A bundle with real Curve25519 keys and a random (unverified) signature.</summary>
    public static LegacyBundle RandomBundle(Random rng, int preKeys = 100)
        => new(X25519Public(rng), DeviceId(rng), X25519Public(rng), Bytes(rng, 64),
               Enumerable.Range(1, preKeys).Select(i => new PreKeyPublic((uint)i, X25519Public(rng))).ToList());

    public static void AssertSame(LegacyEncryptedElement expected, LegacyEncryptedElement actual)
    {
        Assert.Equal(expected.SenderDeviceId, actual.SenderDeviceId);
        Assert.Equal(expected.Iv, actual.Iv);
        Assert.Equal(expected.Payload, actual.Payload);
        Assert.Equal(Describe(expected.Keys), Describe(actual.Keys));
    }

    public static List<(uint, bool, string)> Describe(IEnumerable<LegacyEncryptedKey> keys)
        => keys.Select(k => (k.DeviceId, k.IsPreKey, Convert.ToBase64String(k.Data))).OrderBy(k => k.DeviceId).ToList();

    /// <summary>Compares legacy bundles field by field (pre-keys by id) with the OMEMO 2 comparison; the key sizes match.</summary>
    public static void AssertSame(LegacyBundle expected, LegacyBundle actual) => XmlTestData.AssertSame(AsBundle(expected), AsBundle(actual));

    private static Bundle AsBundle(LegacyBundle b) => new(b.IdentityKey, b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature, b.PreKeys);
}
