using System.Text.Json;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

/// <summary>Checks a python peer's reading of a message and the keys we sent (twomemo_xml.py and Legacy/oldmemo_xml.py report keys alike).</summary>
internal static class PeerKeyAssert
{
    /// <summary>What we sent in one key: its authenticated message, and the key exchange fields when <paramref name="KeyExchange"/> is set.</summary>
    public sealed record SentKey(bool KeyExchange, AuthenticatedMessage Authenticated, uint PkId, uint SpkId, byte[] Ik, byte[] Ek);

    private static byte[] B(JsonElement e, string name) => Convert.FromBase64String(e.GetProperty(name).GetString()!);

    /// <summary>Asserts that the peer's reading <paramref name="read"/> (flag property <paramref name="flag"/>) matches <paramref name="sent"/>.</summary>
    public static void Matches(SentKey sent, JsonElement read, string flag)
    {
        Assert.Equal(sent.KeyExchange, read.GetProperty(flag).GetBoolean());
        Assert.Equal(sent.Authenticated.Bytes, B(read, "authenticated"));
        Assert.Equal(sent.Authenticated.DhPub, B(read, "dh_pub"));
        Assert.Equal(sent.Authenticated.N, read.GetProperty("n").GetUInt32());
        Assert.Equal(sent.Authenticated.Pn, read.GetProperty("pn").GetUInt32());
        if (!sent.KeyExchange) return;
        Assert.Equal(sent.PkId, read.GetProperty("pk_id").GetUInt32());
        Assert.Equal(sent.SpkId, read.GetProperty("spk_id").GetUInt32());
        Assert.Equal(sent.Ik, B(read, "ik"));
        Assert.Equal(sent.Ek, B(read, "ek"));
    }

    /// <summary>
    /// Asserts that <paramref name="peer"/> accepted our <c>&lt;encrypted&gt;</c> and read its sid, payload and number
    /// of keys; returns its readings of the keys.
    /// </summary>
    public static List<JsonElement> MessageRead(JsonElement read, string peer, uint sid, byte[]? payload, int keyCount)
    {
        Assert.True(read.GetProperty("ok").GetBoolean(), $"{peer} refused our <encrypted>: {read}");
        Assert.Equal(sid, read.GetProperty("sid").GetUInt32());
        if (payload is null) Assert.Equal(JsonValueKind.Null, read.GetProperty("payload").ValueKind);
        else Assert.Equal(payload, B(read, "payload"));
        var keys = read.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(keyCount, keys.Count);
        return keys;
    }
}
