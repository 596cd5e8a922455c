using WirePb = Omemo.Wire.Generated;
using CsCheck;
using Google.Protobuf;
using Omemo.Errors;
using Omemo.Wire;

namespace Omemo.Tests.Protocol;

public sealed class WireTests
{
    // Canonical X25519 encodings: top bit clear (u >= p has negligible probability).
    private static readonly Gen<byte[]> Key = Gen.Byte.Array[32].Select(k => { k[31] &= 0x7f; return k; });

    [Fact]
    public void OmemoMessage_RoundTrips_AndMatchesGenerated()
    {
        Gen.Select(Gen.UInt, Gen.UInt, Key, Gen.Byte.Array[0, 200].Null()).Sample((n, pn, dh, ct) =>
        {
            var m = new OmemoMessage(n, pn, dh, ct);
            byte[] bytes = m.ToByteArray();
            var g = WirePb.OMEMOMessage.Parser.ParseFrom(bytes);
            Assert.Equal(n, g.N);
            Assert.Equal(pn, g.Pn);
            Assert.Equal(dh, g.DhPub.ToByteArray());
            Assert.Equal(ct is not null, g.HasCiphertext);
            var back = OmemoMessage.Parse(bytes);
            Assert.Equal((n, pn), (back.N, back.Pn));
            Assert.Equal(dh, back.DhPub);
            Assert.Equal(ct, back.Ciphertext);
        }, iter: 300);
    }

    [Fact]
    public void KeyExchange_RoundTrips()
    {
        Gen.Select(Gen.UInt, Gen.UInt, Key, Key, Gen.Byte.Array[16], Gen.Byte.Array[0, 300]).Sample((pk, spk, ik, ek, mac, msg) =>
        {
            var kex = new OmemoKeyExchange(pk, spk, ik, ek, new OmemoAuthenticatedMessage(mac, msg));
            byte[] bytes = kex.ToByteArray();
            var back = OmemoKeyExchange.Parse(bytes);
            Assert.Equal((pk, spk), (back.PreKeyId, back.SignedPreKeyId));
            Assert.Equal(ik, back.IdentityKey);
            Assert.Equal(ek, back.EphemeralKey);
            Assert.Equal(mac, back.Message.Mac);
            Assert.Equal(msg, back.Message.Message);
            Assert.Equal(bytes, back.ToByteArray());
        }, iter: 300);
    }

    [Fact]
    public void Parse_RandomBytes_OnlyThrowsTypedErrors()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            foreach (Action parse in new Action[]
            {
                () => OmemoMessage.Parse(bytes),
                () => OmemoAuthenticatedMessage.Parse(bytes),
                () => OmemoKeyExchange.Parse(bytes),
            })
            {
                try { parse(); }
                catch (OmemoException) { }
            }
        }, iter: 2000);
    }

    [Fact]
    public void Parse_EnforcesSizesAndRequiredFields()
    {
        Assert.Throws<MalformedMessageException>(() => OmemoMessage.Parse(new WirePb.OMEMOMessage { N = 1, DhPub = ByteString.CopyFrom(new byte[32]) }.ToByteArray()));
        Assert.Throws<MalformedMessageException>(() => OmemoMessage.Parse(new WirePb.OMEMOMessage { N = 1, Pn = 0, DhPub = ByteString.CopyFrom(new byte[33]) }.ToByteArray()));
        Assert.Throws<MalformedMessageException>(() => OmemoAuthenticatedMessage.Parse(new WirePb.OMEMOAuthenticatedMessage { Mac = ByteString.CopyFrom(new byte[32]), Message = ByteString.Empty }.ToByteArray()));
        Assert.Throws<MalformedMessageException>(() => OmemoAuthenticatedMessage.Parse(new WirePb.OMEMOAuthenticatedMessage { Mac = ByteString.CopyFrom(new byte[16]) }.ToByteArray()));
        var kex = new WirePb.OMEMOKeyExchange
        {
            PkId = 1, SpkId = 2, Ik = ByteString.CopyFrom(new byte[32]), Ek = ByteString.CopyFrom(new byte[32]),
            Message = new WirePb.OMEMOAuthenticatedMessage { Mac = ByteString.CopyFrom(new byte[16]), Message = ByteString.Empty },
        };
        OmemoKeyExchange.Parse(kex.ToByteArray());
        var noMessage = kex.Clone(); noMessage.Message = null;
        Assert.Throws<MalformedMessageException>(() => OmemoKeyExchange.Parse(noMessage.ToByteArray()));
        var shortIk = kex.Clone(); shortIk.Ik = ByteString.CopyFrom(new byte[31]);
        Assert.Throws<MalformedMessageException>(() => OmemoKeyExchange.Parse(shortIk.ToByteArray()));
        var noSpk = kex.Clone(); noSpk.ClearSpkId();
        Assert.Throws<MalformedMessageException>(() => OmemoKeyExchange.Parse(noSpk.ToByteArray()));
        var noPk = kex.Clone(); noPk.ClearPkId();
        Assert.Throws<MissingPreKeyException>(() => OmemoKeyExchange.Parse(noPk.ToByteArray()));
        Assert.Throws<MalformedMessageException>(() => OmemoKeyExchange.Parse(new byte[WireLimits.MaxMessageSize + 1]));
    }

    [Fact]
    public void Parse_RejectsNonCanonicalX25519Keys()
    {
        byte[] topBit = new byte[32]; topBit[0] = 9; topBit[31] = 0x80;
        byte[] pPlus1 = Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        foreach (byte[] bad in new[] { topBit, pPlus1 })
        {
            var m = new WirePb.OMEMOMessage { N = 0, Pn = 0, DhPub = ByteString.CopyFrom(bad), Ciphertext = ByteString.CopyFrom(new byte[16]) };
            Assert.Throws<MalformedMessageException>(() => OmemoMessage.Parse(m.ToByteArray()));
            var kex = new WirePb.OMEMOKeyExchange
            {
                PkId = 1, SpkId = 2, Ik = ByteString.CopyFrom(new byte[32]), Ek = ByteString.CopyFrom(bad),
                Message = new WirePb.OMEMOAuthenticatedMessage { Mac = ByteString.CopyFrom(new byte[16]), Message = ByteString.Empty },
            };
            Assert.Throws<MalformedMessageException>(() => OmemoKeyExchange.Parse(kex.ToByteArray()));
        }
    }

    [Fact]
    public void Schema_MatchesTwomemoDescriptor()
    {
        // Field numbers, labels and types as in python-twomemo's twomemo_pb2 descriptor.
        var d = WirePb.OmemoReflection.Descriptor;
        Assert.Equal("twomemo", d.Package);
        var msg = d.MessageTypes.Single(m => m.Name == "OMEMOMessage");
        Assert.Equal(["n:1", "pn:2", "dh_pub:3", "ciphertext:4"], msg.Fields.InFieldNumberOrder().Select(f => $"{f.Name}:{f.FieldNumber}"));
        var auth = d.MessageTypes.Single(m => m.Name == "OMEMOAuthenticatedMessage");
        Assert.Equal(["mac:1", "message:2"], auth.Fields.InFieldNumberOrder().Select(f => $"{f.Name}:{f.FieldNumber}"));
        var kex = d.MessageTypes.Single(m => m.Name == "OMEMOKeyExchange");
        Assert.Equal(["pk_id:1", "spk_id:2", "ik:3", "ek:4", "message:5"], kex.Fields.InFieldNumberOrder().Select(f => $"{f.Name}:{f.FieldNumber}"));
        Assert.All(kex.Fields.InFieldNumberOrder(), f => Assert.True(f.IsRequired));
        Assert.False(msg.FindFieldByNumber(4).IsRequired);
    }
}
