using Omemo.Crypto;
using Omemo.Errors;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Tests.Xml;

/// <summary>Random OMEMO data for the XML tests: hand-encoded protobuf messages, signed bundles, device lists.</summary>
internal static class XmlTestData
{
    public static byte[] Bytes(Random rng, int length)
    {
        var b = new byte[length];
        rng.NextBytes(b);
        return b;
    }

    public static uint DeviceId(Random rng) => (uint)rng.Next(1, int.MaxValue);

    // ---- minimal protobuf writer (canonical field order, as python-protobuf re-serializes) ----

    public static void Varint(List<byte> o, ulong v)
    {
        while (v >= 0x80) { o.Add((byte)(v | 0x80)); v >>= 7; }
        o.Add((byte)v);
    }

    public static void Field(List<byte> o, int field, ulong value)
    {
        Varint(o, (ulong)(field << 3));
        Varint(o, value);
    }

    public static void Field(List<byte> o, int field, byte[] value)
    {
        Varint(o, (ulong)(field << 3 | 2));
        Varint(o, (ulong)value.Length);
        o.AddRange(value);
    }

    /// <summary>Header fields of an OMEMOMessage inside an OMEMOAuthenticatedMessage.</summary>
    public sealed record AuthenticatedMessage(byte[] Bytes, byte[] DhPub, uint N, uint Pn);

    /// <summary>A well-formed OMEMOAuthenticatedMessage { mac, message = OMEMOMessage { n, pn, dh_pub, ciphertext } } with random contents.</summary>
    public static AuthenticatedMessage Authenticated(Random rng)
    {
        var dhPub = Bytes(rng, 32);
        uint n = (uint)rng.Next(0, 1000), pn = (uint)rng.Next(0, 1000);
        var inner = new List<byte>();
        Field(inner, 1, n);
        Field(inner, 2, pn);
        Field(inner, 3, dhPub);
        Field(inner, 4, Bytes(rng, 48));
        var outer = new List<byte>();
        Field(outer, 1, Bytes(rng, 16));
        Field(outer, 2, inner.ToArray());
        return new AuthenticatedMessage(outer.ToArray(), dhPub, n, pn);
    }

    /// <summary>OMEMOKeyExchange { pk_id, spk_id, ik, ek, message }.</summary>
    public static byte[] KeyExchange(uint pkId, uint spkId, byte[] ik, byte[] ek, byte[] authenticated)
    {
        var o = new List<byte>();
        Field(o, 1, pkId);
        Field(o, 2, spkId);
        Field(o, 3, ik);
        Field(o, 4, ek);
        Field(o, 5, authenticated);
        return o.ToArray();
    }

    /// <summary>A key with opaque random data.</summary>
    public static EncryptedKey OpaqueKey(Random rng, string jid, bool kex) => new(jid, DeviceId(rng), Bytes(rng, rng.Next(1, 200)), kex);

    /// <summary>An element with opaque key data for several JIDs, and a payload unless <paramref name="empty"/>.</summary>
    public static EncryptedElement Element(Random rng, bool empty = false)
    {
        var keys = new List<EncryptedKey>();
        foreach (var jid in new[] { "juliet@capulet.lit", "romeo@montague.lit", "mercutio@verona.lit" }.Take(rng.Next(1, 4)))
            for (int i = rng.Next(1, 5); i > 0; i--)
                keys.Add(OpaqueKey(rng, jid, rng.Next(2) == 0));
        return new EncryptedElement(DeviceId(rng), keys, empty ? null : Bytes(rng, rng.Next(1, 300)));
    }

    /// <summary>A bundle with real keys: X25519 pre-keys and an Ed25519-signed signed pre-key.</summary>
    public static Bundle SignedBundle(Random rng, int preKeys = 100)
    {
        var seed = Bytes(rng, 32);
        var ik = new byte[32];
        Ed25519.DerivePublicKey(seed, ik);
        var spk = X25519Public(rng);
        var spks = new byte[64];
        Ed25519.Sign(seed, spk, spks);
        var pks = Enumerable.Range(1, preKeys).Select(i => new PreKeyPublic((uint)i, X25519Public(rng))).ToList();
        return new Bundle(ik, DeviceId(rng), spk, spks, pks);
    }

    public static byte[] X25519Public(Random rng)
    {
        var pub = new byte[32];
        X25519.DerivePublicKey(Bytes(rng, 32), pub);
        return pub;
    }

    public static void AssertSame(Bundle expected, Bundle actual)
    {
        Assert.Equal(expected.IdentityKey, actual.IdentityKey);
        Assert.Equal(expected.SignedPreKeyId, actual.SignedPreKeyId);
        Assert.Equal(expected.SignedPreKey, actual.SignedPreKey);
        Assert.Equal(expected.SignedPreKeySignature, actual.SignedPreKeySignature);
        Assert.Equal(expected.PreKeys.Select(p => (p.Id, Convert.ToBase64String(p.PublicKey))).OrderBy(p => p.Id),
                     actual.PreKeys.Select(p => (p.Id, Convert.ToBase64String(p.PublicKey))).OrderBy(p => p.Id));
    }

    public static void AssertSame(EncryptedElement expected, EncryptedElement actual)
    {
        Assert.Equal(expected.SenderDeviceId, actual.SenderDeviceId);
        Assert.Equal(expected.Payload, actual.Payload);
        Assert.Equal(Describe(expected.Keys), Describe(actual.Keys));
    }

    /// <summary>The keys as comparable tuples, sorted by (JID, device id).</summary>
    public static List<(string, uint, bool, string)> Describe(IEnumerable<EncryptedKey> keys)
        => keys.Select(k => (k.Jid, k.DeviceId, k.IsKeyExchange, Convert.ToBase64String(k.Data)))
               .OrderBy(k => k.Jid, StringComparer.Ordinal).ThenBy(k => k.DeviceId).ToList();

    /// <summary>Asserts that <paramref name="parse"/> fails with <see cref="MalformedMessageException"/> (and nothing else).</summary>
    public static MalformedMessageException Malformed(Action parse)
    {
        var e = Record.Exception(parse);
        Assert.NotNull(e);
        return Assert.IsType<MalformedMessageException>(e);
    }
}
